/** Equal-width bins over the values' range, for the small histograms of the reward preview. */
export interface Histogram {
  min: number;
  max: number;
  counts: number[];
}

/** `bins` equal-width bins from the smallest value to the largest (the largest falls in the last bin); NaN is skipped. */
export function histogram(values: readonly number[], bins: number): Histogram {
  const finite = values.filter((v) => Number.isFinite(v));
  const counts = new Array<number>(bins).fill(0);
  if (finite.length === 0) return { min: 0, max: 0, counts };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const width = (max - min) / bins;
  for (const value of finite) counts[width === 0 ? 0 : Math.min(bins - 1, Math.floor((value - min) / width))]! += 1;
  return { min, max, counts };
}
