import { useEffect, useState } from 'react';
import type { NodeMetric } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';

/**
 * A node's metric points in a run: those stored so far, then each one as its event arrives. Points are kept by
 * `seq`, so one that is both fetched and received live is counted once.
 */
export function useNodeMetrics(runId: string, nodeId: string): NodeMetric['point'][] {
  const { engine } = useServices();
  const [points, setPoints] = useState<ReadonlyMap<number, NodeMetric['point']>>(new Map());
  useEffect(() => {
    let alive = true;
    setPoints(new Map());
    const add = (metrics: readonly NodeMetric[]) =>
      setPoints((current) => {
        const next = new Map(current);
        for (const metric of metrics) next.set(metric.seq, metric.point);
        return next;
      });
    const stop = engine.subscribe((event) => {
      if (event.type === 'node-metric' && event.runId === runId && event.nodeId === nodeId) add([event.metric]);
    });
    engine.nodeMetrics(runId, nodeId).then((stored) => alive && add(stored), () => {});
    return () => {
      alive = false;
      stop();
    };
  }, [engine, runId, nodeId]);
  return [...points.entries()].sort(([a], [b]) => a - b).map(([, point]) => point);
}
