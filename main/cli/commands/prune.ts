import { openEngine } from '../engine-options.ts';

export async function pruneCommand(flags: { 'data-dir'?: string; 'keep-runs'?: string; 'llm-cache'?: boolean }): Promise<number> {
  const keepRuns = flags['keep-runs'] === undefined ? 20 : Number(flags['keep-runs']);
  if (!Number.isInteger(keepRuns) || keepRuns < 0) throw new RangeError(`--keep-runs must be a whole number, got ${flags['keep-runs']}`);
  const engine = await openEngine(flags);
  try {
    const report = engine.prune({ keepRuns, llmCache: flags['llm-cache'] ?? false });
    process.stdout.write(
      `pruned ${report.runs} runs, ${report.outputs} node outputs, ${report.itemResults} item results, ` +
        `${report.llmReplies} cached LLM replies, ${report.blobs} blobs\n`,
    );
    return 0;
  } finally {
    await engine.close();
  }
}
