import type { NodeState } from '../../main/api/contract.ts';
import { formatCount, formatDuration } from './format.ts';
import type { RunView } from './run-state.ts';

const FINISHED: readonly NodeState[] = ['done', 'cached', 'failed', 'skipped', 'cancelled'];

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;
const finishedNodes = (view: RunView) => Object.values(view.nodes).filter((n) => FINISHED.includes(n.state)).length;
const wallTime = (view: RunView, now: number) => formatDuration((view.finishedAt ?? now) - view.startedAt);

/**
 * The toolbar's line for a run, in words: while it runs, how many nodes finished and items failed; once it ended, its
 * wall time, the items its nodes processed and the LLM requests the servers received (cache hits apart), so the
 * figures read as what happened rather than as a sum of columns.
 */
export function runSummary(view: RunView, now: number): string {
  const nodes = Object.values(view.nodes);
  const failedItems = nodes.reduce((sum, n) => sum + n.failed, 0);
  const failed = failedItems ? ` · ${plural(failedItems, 'item')} failed` : '';
  if (view.status === 'running') return `${finishedNodes(view)} of ${plural(nodes.length, 'node')} finished${failed}`;
  const parts = [`in ${wallTime(view, now)}`];
  const t = view.totals;
  if (t) {
    parts.push(`${plural(t.itemsDone, 'item')} processed${t.itemsCached ? ` (${formatCount(t.itemsCached)} from cache)` : ''}`);
    if (t.itemsFailed) parts.push(`${plural(t.itemsFailed, 'item')} failed`);
    const sent = t.llmCalls - t.llmCached;
    if (sent || t.llmCached) parts.push(`${plural(sent, 'LLM request')}${t.llmCached ? ` (+${formatCount(t.llmCached)} from cache)` : ''}`);
  }
  return parts.join(' · ');
}

/** The same in a few words, for a toolbar that has folded its spare actions away; the full line is its tooltip. */
export function shortRunSummary(view: RunView, now: number): string {
  if (view.status === 'running') return `${finishedNodes(view)}/${Object.keys(view.nodes).length} nodes`;
  const t = view.totals;
  const requests = t ? t.llmCalls - t.llmCached : 0;
  return [wallTime(view, now), ...(requests ? [plural(requests, 'request')] : [])].join(' · ');
}
