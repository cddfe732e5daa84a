import type { Dataset } from '../../../nodes/rewatch/types.ts';
import { formatCount } from '../../runs/format.ts';

/** One line on a dataset's videos: how many, per task or split, and how many of them are in more than one. */
export function datasetVideosLine({ total, byKey, shared }: Dataset['videos']): string {
  const perKey = Object.entries(byKey)
    .map(([key, count]) => `${key}: ${formatCount(count)}`)
    .join(' · ');
  return `${formatCount(total)} videos (${perKey}), ${shared ? formatCount(shared) : 'none'} in more than one`;
}
