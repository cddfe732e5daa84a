import { resolve } from 'node:path';
import { z } from 'zod';
import { AnyType, defineOnceNode, pathField, RecordType, writeAtomically } from '../sdk/index.ts';

const config = z.object({
  path: pathField('File to write; folders are created as needed.'),
  format: z.enum(['jsonl', 'json']).default('jsonl').meta({ description: 'JSON Lines, or one JSON array.' }),
});

/** Streams items to a temporary file and renames it into place (`writeAtomically`), so readers never see half a file. */
export const exportNode = defineOnceNode({
  type: 'core.export',
  version: 1,
  title: 'Export',
  category: 'Core',
  description: 'Writes its input items to a JSON Lines or JSON file.',
  // A sink: it writes on every run so that the file on disk always matches the graph, even if someone changed it.
  deterministic: false,
  inputs: { items: { type: AnyType, description: 'Items to write.' } },
  outputs: { file: { type: RecordType, description: 'The file written: path, format, rows, bytes and sha256.' } },
  config,
  async execute(ctx, { items }, { path, format }) {
    const file = resolve(path);
    let rows = 0;
    function* chunks(): Generator<string> {
      if (format === 'json') yield '[';
      for (const item of items) {
        const line = JSON.stringify(item);
        yield format === 'json' ? `${rows ? ',' : ''}\n  ${line}` : `${line}\n`;
        rows += 1;
        if (rows % 1000 === 0) ctx.progress.update(rows, items.count);
      }
      if (format === 'json') yield rows ? '\n]\n' : ']\n';
    }
    const written = await writeAtomically(file, chunks(), items.count, ctx.signal);
    ctx.progress.update(rows, items.count);
    return { file: [{ ...written, format }] };
  },
});
