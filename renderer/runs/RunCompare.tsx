import { useEffect, useMemo, useState } from 'react';
import type { RunDetail } from '../../main/api/contract.ts';
import { useRuns, useServices } from '../app/services.tsx';
import type { RewardBreakdown } from '../../nodes/rewatch/types.ts';
import { REWARD_SAMPLE, rewardMeans } from '../previews/rewatch/reward-stats.ts';
import { useOutputSample, useOutputTotal } from '../previews/rewatch/use-output-query.ts';
import type { OutputRef } from '../previews/use-paged-items.ts';
import { graphToDoc } from '../store/convert.ts';
import { outputDataType } from '../store/connection-rules.ts';
import { formatCount, formatTime } from './format.ts';
import { type CompareRow, defaultPair, keptRatio, keptRatioRow, outputCountRows, rewardMeanRows, runsWithNode, totalsCompareRows } from './run-compare.ts';

/** Runs looked at for the comparison, newest first. */
const MAX_RUNS = 30;

/** The details of the history's runs (finished runs are fetched once), newest first; `null` while loading. */
function useRunDetails(): RunDetail[] | null {
  const { engine } = useServices();
  const history = useRuns((s) => s.history);
  const [cache] = useState(() => new Map<string, RunDetail>());
  const [details, setDetails] = useState<RunDetail[] | null>(null);
  const key = history
    .slice(0, MAX_RUNS)
    .map((r) => `${r.runId}:${r.status}:${r.finishedAt ?? ''}`)
    .join(',');
  useEffect(() => {
    let stale = false;
    const runs = history.slice(0, MAX_RUNS);
    Promise.all(
      runs.map(async (run) => {
        const known = cache.get(run.runId);
        if (known && known.status === run.status && known.finishedAt === run.finishedAt) return known;
        const detail = await engine.getRun(run.runId).catch(() => undefined);
        if (detail && detail.finishedAt !== null) cache.set(run.runId, detail);
        return detail;
      }),
    ).then((all) => !stale && setDetails(all.filter((d): d is RunDetail => d !== undefined)));
    return () => {
      stale = true;
    };
    // `key` stands for the history's runs.
  }, [engine, key, cache]);
  return details;
}

function Rows({ rows, testId }: { rows: CompareRow[]; testId?: string }) {
  return (
    <>
      {rows.map((row) => (
        <tr key={row.label} data-testid={testId} data-label={row.label}>
          <th>{row.label}</th>
          <td className="mono">{row.a}</td>
          <td className="mono">{row.b}</td>
          <td className={`mono ${row.diff ? 'compare-diff' : ''}`}>{row.diff}</td>
        </tr>
      ))}
    </>
  );
}

const ref = (runId: string, nodeId: string, port: string): OutputRef => ({ runId, nodeId, port, search: '', where: '' });

function KeptRatioRow({ a, b }: { a: OutputRef; b: OutputRef }) {
  const allA = useOutputTotal(a, '');
  const keptA = useOutputTotal(a, 'kept=true');
  const allB = useOutputTotal(b, '');
  const keptB = useOutputTotal(b, 'kept=true');
  const row = keptRatioRow(allA === null || keptA === null ? null : keptRatio(keptA, allA), allB === null || keptB === null ? null : keptRatio(keptB, allB));
  return <Rows rows={[{ ...row, label: `${a.port}: kept ratio` }]} testId="compare-kept" />;
}

function RewardMeanRows({ a, b }: { a: OutputRef; b: OutputRef }) {
  const sampleA = useOutputSample(a, '', REWARD_SAMPLE);
  const sampleB = useOutputSample(b, '', REWARD_SAMPLE);
  const rows = useMemo(
    () =>
      rewardMeanRows(
        sampleA && rewardMeans(sampleA.map((i) => i.data as RewardBreakdown)),
        sampleB && rewardMeans(sampleB.map((i) => i.data as RewardBreakdown)),
      ).map((row) => ({ ...row, label: `${a.port}: ${row.label}` })),
    [sampleA, sampleB, a.port],
  );
  return <Rows rows={rows} testId="compare-reward" />;
}

const runLabel = (d: RunDetail) => `${formatTime(d.startedAt)} · ${d.status} · ${d.runId.slice(0, 8)}`;

/** The selected node in two runs side by side: totals, output counts, and per data type the kept ratio or reward means. */
export function RunCompare({ nodeId }: { nodeId: string }) {
  const { catalog } = useServices();
  const details = useRunDetails();
  const candidates = useMemo(() => (details ? runsWithNode(details, nodeId) : []), [details, nodeId]);
  const [picked, setPicked] = useState<[string | undefined, string | undefined]>([undefined, undefined]);
  const ids = candidates.map((d) => d.runId);
  const [defaultA, defaultB] = defaultPair(ids);
  const idA = picked[0] && ids.includes(picked[0]) ? picked[0] : defaultA;
  const idB = picked[1] && ids.includes(picked[1]) ? picked[1] : defaultB;
  const runA = candidates.find((d) => d.runId === idA);
  const runB = candidates.find((d) => d.runId === idB);

  if (!details) return <p className="muted">Loading runs to compare…</p>;
  if (candidates.length < 2) return <p className="muted">Comparing needs two runs with node {nodeId}; {candidates.length === 1 ? 'there is one' : 'there are none'}.</p>;

  const nodeA = runA?.nodes.find((n) => n.nodeId === nodeId);
  const nodeB = runB?.nodes.find((n) => n.nodeId === nodeId);
  const hasOutput = (n: typeof nodeA) => n && (n.state === 'done' || n.state === 'cached');
  // Ports whose items both runs have, with the data type from run B's graph.
  const topology = runB ? graphToDoc(runB.graph) : undefined;
  const ports =
    runA && runB && nodeA && nodeB && hasOutput(nodeA) && hasOutput(nodeB) && topology
      ? Object.keys(nodeB.outputCounts)
          .filter((port) => port in nodeA.outputCounts)
          .map((port) => ({ port, dataType: outputDataType(topology, catalog, nodeId, port) }))
      : [];

  const select = (side: 0 | 1) => (
    <select
      aria-label={side === 0 ? 'Run A' : 'Run B'}
      value={(side === 0 ? idA : idB) ?? ''}
      onChange={(e) => setPicked((p) => (side === 0 ? [e.target.value, p[1] ?? idB] : [p[0] ?? idA, e.target.value]))}
    >
      {candidates.map((d) => (
        <option key={d.runId} value={d.runId}>
          {runLabel(d)}
        </option>
      ))}
    </select>
  );

  return (
    <div className="run-compare" data-testid="run-compare">
      <div className="output-bar">
        <strong>Compare {nodeId}</strong>
        <label>A {select(0)}</label>
        <label>B {select(1)}</label>
        <span className="muted">{formatCount(candidates.length)} runs with this node</span>
      </div>
      <table className="compare-table">
        <thead>
          <tr>
            <th />
            <th>A</th>
            <th>B</th>
            <th>B − A</th>
          </tr>
        </thead>
        <tbody>
          <Rows rows={totalsCompareRows(nodeA, nodeB)} testId="compare-total" />
          <Rows rows={outputCountRows(nodeA, nodeB).map((r) => ({ ...r, label: `${r.label} items` }))} testId="compare-count" />
          {runA &&
            runB &&
            ports.map(({ port, dataType }) =>
              dataType === 'FilterVerdict' ? (
                <KeptRatioRow key={`${runA.runId}/${runB.runId}/${port}`} a={ref(runA.runId, nodeId, port)} b={ref(runB.runId, nodeId, port)} />
              ) : dataType === 'RewardBreakdown' ? (
                <RewardMeanRows key={`${runA.runId}/${runB.runId}/${port}`} a={ref(runA.runId, nodeId, port)} b={ref(runB.runId, nodeId, port)} />
              ) : null,
            )}
        </tbody>
      </table>
    </div>
  );
}
