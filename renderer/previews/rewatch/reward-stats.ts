import type { RewardBreakdown } from '../../../nodes/rewatch/types.ts';

/** Reward statistics are taken over at most this many rows. */
export const REWARD_SAMPLE = 5000;

/** The reward's components: display label and field of `RewardBreakdown`. */
export const REWARD_COMPONENTS = [
  ['r_acc', 'rAcc'],
  ['r_obs', 'rObs'],
  ['r_rea', 'rRea'],
  ['r_fmt', 'rFmt'],
  ['total', 'total'],
] as const;

export type RewardComponent = (typeof REWARD_COMPONENTS)[number][0];

/** The mean of each component over the rows (non-finite values skipped); `null` for a component with no values. */
export function rewardMeans(rows: readonly RewardBreakdown[]): Record<RewardComponent, number | null> {
  const means = {} as Record<RewardComponent, number | null>;
  for (const [label, key] of REWARD_COMPONENTS) {
    let sum = 0;
    let n = 0;
    for (const row of rows) {
      const value = row[key];
      if (typeof value === 'number' && Number.isFinite(value)) {
        sum += value;
        n += 1;
      }
    }
    means[label] = n ? sum / n : null;
  }
  return means;
}
