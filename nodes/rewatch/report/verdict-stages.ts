import type { FilterVerdict } from '../types.ts';

type Stage = FilterVerdict['stage'];
type ProbeAnswer = FilterVerdict['probes'][number];

export interface ProbeTally {
  probe: string;
  answered: number;
  correct: number;
}

export interface StageTally {
  stage: Stage;
  judged: number;
  kept: number;
  /** Sum of the verdicts' accuracies (the probes' mean per question; the judge's 1/0 for F1). */
  accuracySum: number;
  /** Per probe model, in the order they first appear. */
  probes: ProbeTally[];
  /** The multiple-choice form's probes (F2/F3 given MCQs): the questions probed that way, their accuracy, per probe. */
  multipleChoice?: { judged: number; accuracySum: number; probes: ProbeTally[] };
}

/** Each probe's answers counted: how many it gave and how many were right. */
function tallyProbes(answers: Iterable<ProbeAnswer>, into: Map<string, ProbeTally> = new Map()): Map<string, ProbeTally> {
  for (const { probe, correct } of answers) {
    const tally = into.get(probe) ?? { probe, answered: 0, correct: 0 };
    tally.answered += 1;
    if (correct) tally.correct += 1;
    into.set(probe, tally);
  }
  return into;
}

/** The verdicts of F1, F2 and F3 tallied per stage, in stage order; stages without verdicts are left out. */
export function tallyStages(verdicts: Iterable<FilterVerdict>): StageTally[] {
  const stages = new Map<
    Stage,
    { judged: number; kept: number; accuracySum: number; probes: Map<string, ProbeTally>; mc: { judged: number; accuracySum: number; probes: Map<string, ProbeTally> } }
  >();
  for (const verdict of verdicts) {
    const tally = stages.get(verdict.stage) ?? { judged: 0, kept: 0, accuracySum: 0, probes: new Map(), mc: { judged: 0, accuracySum: 0, probes: new Map() } };
    tally.judged += 1;
    if (verdict.kept) tally.kept += 1;
    tally.accuracySum += verdict.accuracy;
    tallyProbes(verdict.probes, tally.probes);
    if (verdict.mcProbes && verdict.mcAccuracy !== undefined) {
      tally.mc.judged += 1;
      tally.mc.accuracySum += verdict.mcAccuracy;
      tallyProbes(verdict.mcProbes, tally.mc.probes);
    }
    stages.set(verdict.stage, tally);
  }
  return [...stages.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([stage, { mc, ...tally }]) => ({
      stage,
      ...tally,
      probes: [...tally.probes.values()],
      ...(mc.judged > 0 && { multipleChoice: { judged: mc.judged, accuracySum: mc.accuracySum, probes: [...mc.probes.values()] } }),
    }));
}
