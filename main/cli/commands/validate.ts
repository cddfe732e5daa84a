import { resolve } from 'node:path';
import { loadGraphFile } from '../../graph/files.ts';
import { catalog, openEngine } from '../engine-options.ts';

export async function validateCommand(file: string, flags: { 'data-dir'?: string; providers?: string; json?: boolean }): Promise<number> {
  const { graph, notices } = await loadGraphFile(resolve(file), catalog.lookup);
  const engine = await openEngine(flags);
  try {
    const result = await engine.validate(graph);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      for (const notice of notices) process.stderr.write(`${file}: note: ${notice.nodeId}: ${notice.message}\n`);
      for (const error of result.errors) {
        process.stderr.write(`${file}: ${error.nodeId}${error.field ? `.${error.field}` : ''}: ${error.message}\n`);
      }
      if (result.ok) process.stdout.write(`${file}: valid (${graph.nodes.length} nodes, ${graph.edges.length} edges)\n`);
    }
    return result.ok ? 0 : 1;
  } finally {
    await engine.close();
  }
}
