/**
 * `npm run bench`: runs every benchmark in sequence, prints one table per benchmark and a summary of the targets.
 * It reports and never gates: the exit code is 0 even when a target is missed (non-zero only if a benchmark breaks).
 * `BENCH_SCALE=0.05 npm run bench` shrinks every item count for a quick run.
 */
import { cacheHitOverhead } from './cache-hit-overhead.ts';
import { editorCanvas } from './editor-canvas.ts';
import { frameSampling } from './frame-sampling.ts';
import { itemPersistence } from './item-persistence.ts';
import { llmFanout } from './llm-fanout.ts';
import { memory } from './memory.ts';
import { templateRerun } from './template-rerun.ts';
import { fmt, passed, printTable, SCALE, timed, type BenchResult } from './support.ts';

/** A benchmark reports one headline figure, or several measured in the same run. */
const benchmarks: ReadonlyArray<readonly [string, () => Promise<BenchResult | BenchResult[]>]> = [
  ['llm-fanout', llmFanout],
  ['cache-hit-overhead', cacheHitOverhead],
  ['item-persistence', itemPersistence],
  ['memory', memory],
  ['frame-sampling', frameSampling],
  ['template-rerun', templateRerun],
  ['editor-canvas', editorCanvas],
];

console.log(`ReWatch Studio benchmarks — scale ${SCALE}${SCALE === 1 ? ' (full size)' : ''}, Node ${process.version}`);
const results: BenchResult[] = [];
const broken: string[] = [];
const { ms: totalMs } = await timed(async () => {
  for (const [name, bench] of benchmarks) {
    try {
      results.push(...[await bench()].flat());
    } catch (error) {
      broken.push(name);
      console.error(`\n${name}: FAILED TO RUN — ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
});

const verdict = (result: BenchResult) => {
  const ok = passed(result);
  return ok === undefined ? 'report only' : ok ? 'PASS' : 'MISS';
};
printTable(
  `Summary (${fmt.ms(totalMs)})`,
  [
    ['benchmark', 'result', 'verdict', 'target', 'metric'],
    ...results.map((r) => [r.name, r.display, verdict(r), r.target?.label ?? '—', r.metric]),
    ...broken.map((name) => [name, 'error', 'BROKEN', '—', 'did not run to the end']),
  ],
);
if (SCALE !== 1) console.log(`\n(scale ${SCALE}: figures are indicative; targets are for the full size)`);
process.exitCode = broken.length ? 1 : 0;
