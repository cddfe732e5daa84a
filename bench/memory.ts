/**
 * Peak memory of a run over N records of ~1 KB: source → core.filter → core.export, in a child process so that the
 * peak RSS is the run's own. Baseline, in another child: the same start-up and imports, then every line parsed and
 * held in an array — what a naive pipeline holding all items would need at the least.
 */
import { statSync } from 'node:fs';
import { fmt, printTable, scaled, startTsxChild, withTempDir, writeJsonl, type BenchResult } from './support.ts';

const FILLER = 'The quick brown fox jumps over the lazy dog while the benchmark measures memory. ';

interface ChildReport {
  maxRssKiB: number;
  items: number;
}

async function child(args: readonly string[]): Promise<ChildReport> {
  const memoryChild = startTsxChild('bench/memory-child.ts', args);
  const report = await memoryChild.nextJson<ChildReport>();
  await memoryChild.stop();
  return report;
}

export async function memory(): Promise<BenchResult> {
  const items = scaled(170_000);
  return withTempDir(async (dir) => {
    const input = writeJsonl(`${dir}/items.jsonl`, items, (n) => ({ n, text: `${n}: `.padEnd(1000, FILLER) }));
    const inputBytes = statSync(input).size;
    const startup = await child(['startup']);
    const baseline = await child(['baseline', input]);
    const run = await child(['pipeline', input, `${dir}/data`, `${dir}/out.jsonl`]);
    for (const report of [baseline, run]) {
      if (report.items !== items) throw new Error(`a memory child handled ${report.items} items, expected ${items}`);
    }
    const ratio = run.maxRssKiB / baseline.maxRssKiB;
    const aboveStartup = (report: ChildReport) => (report.maxRssKiB - startup.maxRssKiB) * 1024;
    printTable(`Peak memory — ${fmt.int(items)} records of ~1 KB: source → filter → export`, [
      ['input file', fmt.mib(inputBytes)],
      ['run peak RSS', fmt.mib(run.maxRssKiB * 1024), 'child process: engine run of the 3-node graph'],
      ['baseline peak RSS', fmt.mib(baseline.maxRssKiB * 1024), 'child process: same imports + all lines parsed in an array'],
      ['start-up alone', fmt.mib(startup.maxRssKiB * 1024), 'child process: same imports, no work'],
      ['run above start-up', fmt.mib(aboveStartup(run))],
      ['baseline above start-up', fmt.mib(aboveStartup(baseline))],
      ['run / baseline', `${fmt.ratio(ratio, 2)}×`, 'peak RSS; below 1 means items are streamed, not held'],
    ]);
    return { name: 'memory', metric: 'peak RSS, run / hold-all baseline', value: ratio, display: `${fmt.ratio(ratio, 2)}× (${fmt.mib(run.maxRssKiB * 1024)})` };
  });
}
