import { resolve } from 'node:path';
import { ApiError, type SampleSpec } from '../../api/contract.ts';
import { loadGraphFile } from '../../graph/files.ts';
import { describeRemovedSecrets } from '../../graph/secrets.ts';
import { sumTotals } from '../../engine/node-counters.ts';
import { catalog, openEngine } from '../engine-options.ts';
import { runSummary, sampleLabel } from '../format.ts';
import { ProgressView } from '../progress.ts';

interface RunFlags {
  'data-dir'?: string;
  providers?: string;
  until?: string;
  from?: string;
  'no-cache'?: boolean;
  /** A map node whose failed items ask the model again (the node and what it needs run, unless --until/--from). */
  'retry-failed'?: string;
  /** Run on this many items of each source (a sample run); `seed` picks them. */
  sample?: string;
  seed?: string;
  /** Every node waits for its upstream nodes to finish (no item streaming between map nodes). */
  barrier?: boolean;
}

/** `--sample N [--seed S]` as the API's `sample`; `--seed` alone is refused rather than ignored. */
function sampleOf(flags: RunFlags): SampleSpec | undefined {
  if (flags.sample === undefined) {
    if (flags.seed !== undefined) throw new Error('--seed picks the items of a sample run: use it with --sample N');
    return undefined;
  }
  return { n: integerFlag('sample', flags.sample, 1), seed: flags.seed === undefined ? 0 : integerFlag('seed', flags.seed, 0) };
}

function integerFlag(flag: string, text: string, least: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < least) {
    throw new Error(`--${flag} must be ${least > 0 ? 'a positive' : 'a non-negative'} integer, got "${text}"`);
  }
  return value;
}

/** Exit codes: 0 done, 1 failed or invalid, 130 cancelled with Ctrl-C. */
export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const sample = sampleOf(flags);
  const { graph, notices } = await loadGraphFile(resolve(file), catalog.lookup);
  for (const notice of notices) process.stderr.write(`${file}: note: ${notice.nodeId}: ${notice.message}\n`);
  const engine = await openEngine(flags);
  let view: ProgressView | undefined;
  const unsubscribe = engine.subscribe((event) => view?.handle(event));
  try {
    let runId: string;
    try {
      ({ runId } = await engine.startRun({
        graph,
        until: flags.until,
        from: flags.from,
        noCache: flags['no-cache'] ?? false,
        execution: flags.barrier ? 'barrier' : 'streaming',
        ...(flags['retry-failed'] ? { retryFailed: { nodeId: flags['retry-failed'] } } : {}),
        sample,
      }));
    } catch (error) {
      if (!(error instanceof ApiError) || !error.errors) throw error;
      for (const e of error.errors) process.stderr.write(`${file}: ${e.nodeId}${e.field ? `.${e.field}` : ''}: ${e.message}\n`);
      return 1;
    }
    const detail = await engine.getRun(runId);
    if (detail.removedSecrets.length) process.stderr.write(`${file}: note: the run's record ${describeRemovedSecrets(detail.removedSecrets)}\n`);
    view = new ProgressView(detail.nodes.map((n) => n.nodeId), process.stderr);
    let interrupts = 0;
    const onSigint = () => {
      interrupts += 1;
      if (interrupts > 1) process.exit(130);
      process.stderr.write('\ncancelling (finished items are kept; Ctrl-C again to quit at once)\n');
      void engine.cancelRun(runId);
    };
    process.on('SIGINT', onSigint);
    const status = await engine.waitForRun(runId);
    process.off('SIGINT', onSigint);
    view.stop();

    const run = await engine.getRun(runId);
    process.stdout.write(`\nrun ${runId}: ${status}${run.sample ? ` (${sampleLabel(run.sample)})` : ''}\n`);
    process.stdout.write(`${runSummary(run.nodes, sumTotals(run.nodes), status)}\n`);
    for (const node of run.nodes.filter((n) => n.error)) process.stderr.write(`${node.nodeId}: ${node.error}\n`);
    return status === 'done' ? 0 : status === 'cancelled' ? 130 : 1;
  } finally {
    unsubscribe();
    await engine.close();
  }
}
