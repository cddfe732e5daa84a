import { resolve } from 'node:path';
import { loadGraphFile } from '../../graph/files.ts';
import { catalog, openEngine } from '../engine-options.ts';

export async function explainCommand(
  file: string,
  nodeId: string | undefined,
  flags: { 'data-dir'?: string; providers?: string; json?: boolean },
): Promise<number> {
  const { graph } = await loadGraphFile(resolve(file), catalog.lookup);
  const engine = await openEngine(flags);
  try {
    const explanations = await engine.explain(graph, nodeId);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(explanations, null, 2)}\n`);
      return 0;
    }
    for (const e of explanations) {
      process.stdout.write(`${e.nodeId}: ${e.cached ? 'cached — the next run reuses its output' : 'would run'}\n`);
      for (const change of e.changes) process.stdout.write(`  - ${change.message}\n`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}
