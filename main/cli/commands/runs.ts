import { openEngine } from '../engine-options.ts';
import { duration, sampleLabel, table } from '../format.ts';

export async function runsCommand(flags: { 'data-dir'?: string; json?: boolean }): Promise<number> {
  const engine = await openEngine(flags);
  try {
    const runs = await engine.listRuns();
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    const rows = runs.map((r) => [
      r.runId,
      r.graphName,
      r.status,
      new Date(r.startedAt).toISOString(),
      duration(r.totals.durationMs),
      r.totals.llmCalls,
      r.totals.tokensIn + r.totals.tokensOut,
      r.sample ? sampleLabel(r.sample) : 'all items',
    ]);
    process.stdout.write(`${table(['run', 'graph', 'status', 'started', 'time', 'llm calls', 'tokens', 'data'], rows)}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
