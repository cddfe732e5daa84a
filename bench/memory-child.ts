/**
 * One side of the memory benchmark, in a process of its own so that its peak RSS is its own. Both modes load the
 * same modules (the engine and the core nodes) before doing anything, so start-up costs the same.
 *   memory-child.ts pipeline INPUT DATA_DIR OUTPUT   source → core.filter → core.export through the engine
 *   memory-child.ts baseline INPUT                   JSON.parse every line and hold them all in an array
 *   memory-child.ts startup                          nothing more: the fixed cost of the process and its modules
 * Prints `{"maxRssKiB", "items"}` on one line.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { chainGraph, openEngine, runGraph } from './support.ts';

async function pipeline(input: string, dataDir: string, output: string): Promise<number> {
  const engine = openEngine(dataDir);
  try {
    const run = await runGraph(
      engine,
      chainGraph('bench-memory', [
        { id: 'src', type: 'core.jsonl-source', config: { path: input } },
        { id: 'keep', type: 'core.filter', config: { field: 'n', operator: 'gte', value: 0, concurrency: 64 }, output: 'kept' },
        { id: 'out', type: 'core.export', config: { path: output } },
      ]),
    );
    return run.node('keep').outputCounts.kept ?? 0;
  } finally {
    await engine.close();
  }
}

async function holdAll(input: string): Promise<number> {
  const items: unknown[] = [];
  for await (const line of createInterface({ input: createReadStream(input, 'utf8'), crlfDelay: Infinity })) {
    if (line) items.push(JSON.parse(line));
  }
  return items.length;
}

const [mode, input, dataDir, output] = process.argv.slice(2);
const usage = mode === 'startup' || (mode === 'baseline' && input) || (mode === 'pipeline' && input && dataDir && output);
if (!usage) {
  console.error('usage: memory-child.ts pipeline INPUT DATA_DIR OUTPUT | baseline INPUT | startup');
  process.exit(2);
}
const items = mode === 'pipeline' ? await pipeline(input!, dataDir!, output!) : mode === 'baseline' ? await holdAll(input!) : 0;
process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, items })}\n`);
