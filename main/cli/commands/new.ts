import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { graphFileText } from '../../graph/canonical.ts';
import { listTemplates, loadTemplate } from '../../graph/templates.ts';
import { catalog } from '../engine-options.ts';

/** `rewatch new --template NAME [FILE]`: a new graph file from a template; without a template, the list. */
export async function newCommand(file: string | undefined, flags: { template?: string; force?: boolean }): Promise<number> {
  if (!flags.template) {
    for (const t of await listTemplates(catalog.lookup)) {
      process.stdout.write(`${t.name.padEnd(20)} ${t.title} (${t.nodeCount} nodes)\n  ${t.description}\n`);
    }
    return 0;
  }
  const { graph } = await loadTemplate(flags.template, catalog.lookup);
  const target = resolve(file ?? `${flags.template}.rewatch.json`);
  if (existsSync(target) && !flags.force) throw new Error(`${target} exists; pass --force to overwrite it`);
  await writeFile(target, graphFileText(graph), { flag: flags.force ? 'w' : 'wx' });
  process.stdout.write(`wrote ${target} (${graph.nodes.length} nodes) from template "${flags.template}"\n`);
  return 0;
}
