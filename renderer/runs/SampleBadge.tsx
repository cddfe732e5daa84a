import type { SampleSpec } from '../../main/api/contract.ts';

/** Marks a sample run in the history: its results come from `n` items of each source. */
export function SampleBadge({ sample }: { sample: SampleSpec }) {
  return (
    <span className="state-badge sample-badge" title={`A sample run: ${sample.n} items of each source, chosen with seed ${sample.seed}`}>
      sample {sample.n}
    </span>
  );
}
