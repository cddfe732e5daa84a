import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AnyType, defineOnceNode, pathField, RecordType } from '../sdk/index.ts';

const config = z.object({
  path: pathField('File to write; folders are created as needed.'),
  format: z.enum(['jsonl', 'json']).default('jsonl').meta({ description: 'JSON Lines, or one JSON array.' }),
});

/** Streams items to a temporary file and renames it into place, so readers never see half a file. */
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
    await mkdir(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    const out = createWriteStream(temporary, 'utf8');
    const digest = createHash('sha256');
    let bytes = 0;
    const write = async (text: string) => {
      digest.update(text);
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await once(out, 'drain');
    };
    let rows = 0;
    if (format === 'json') await write('[');
    for (const item of items) {
      if (ctx.signal.aborted) break;
      const line = JSON.stringify(item);
      await write(format === 'json' ? `${rows ? ',' : ''}\n  ${line}` : `${line}\n`);
      rows += 1;
      if (rows % 1000 === 0) ctx.progress.update(rows, items.count);
    }
    if (format === 'json') await write(rows ? '\n]\n' : ']\n');
    out.end();
    await once(out, 'finish');
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await rename(temporary, file);
    ctx.progress.update(rows, items.count);
    return { file: [{ path: file, format, rows, bytes, sha256: digest.digest('hex') }] };
  },
});
