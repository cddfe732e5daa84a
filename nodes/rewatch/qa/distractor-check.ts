/**
 * A distractor that C_detail makes a correct answer too breaks a multiple-choice question. A judge checks each one
 * against the description; the ones it finds also correct are rewritten for a bounded number of rounds, and dropped
 * when they are still correct after the last.
 */
import { z } from 'zod';
import { verdictReason } from '../judge.ts';
import type { DistractorCheck } from '../types.ts';

export const DEFAULT_DISTRACTOR_CHECK_PROMPT = `You check the wrong options of a multiple-choice question written about a video, against the video's detailed,
timestamped description. For each numbered option below, decide whether the description makes it ALSO a correct
answer to the question (true or equivalent to the correct answer, or another answer the question allows). An option
the description shows to be false is a good wrong option.

Description:
{{caption}}

Question: {{question}}
Correct answer: {{answer}}
Evidence: {{evidence}}

Wrong options to check:
{{distractors}}

Reply with JSON only, one entry per numbered option, in order:
{"checks": [{"alsoCorrect": true or false, "reason": "one short sentence"}]}`;

export const DEFAULT_DISTRACTOR_REPLACE_PROMPT = `Some wrong options of a multiple-choice question about a video turned out to be correct answers too.
Write {{count}} new wrong options to replace them: plausible to someone who has not watched the video, of the same kind
and length as the correct answer, false, and clearly different from every option below.

Question: {{question}}
Correct answer: {{answer}}

Options kept:
{{kept}}

Rejected because they are also correct:
{{rejected}}

Reply with JSON only: {"distractors": ["...", "..."]}`;

const distractorVerdict = z.object({
  alsoCorrect: z.boolean().describe('Whether the description makes this option a correct answer too.'),
  reason: verdictReason,
});
type DistractorVerdict = z.output<typeof distractorVerdict>;

/** The judge's reply for `count` distractors: one verdict per option, in order. */
export function distractorVerdictsSchema(count: number) {
  return z.object({ checks: z.array(distractorVerdict).length(count) });
}

interface DistractorRoundsSpec {
  /** The distractors first written. */
  initial: readonly string[];
  /** Rewrites allowed after the first check. */
  rounds: number;
  /** The judge's verdict on each distractor, in order. */
  check(distractors: readonly string[]): Promise<DistractorVerdict[]>;
  /** `count` new distractors, given the ones kept so far and every one rejected so far. */
  replace(count: number, kept: readonly string[], rejected: readonly DistractorCheck[]): Promise<string[]>;
}

interface CheckedDistractors {
  /** Distractors the judge found wrong, in the order they were written. */
  kept: string[];
  /** Still correct after the last round, so left out. */
  dropped: DistractorCheck[];
  /** Every check of every round. */
  checks: DistractorCheck[];
}

export async function checkDistractors(spec: DistractorRoundsSpec): Promise<CheckedDistractors> {
  const kept: string[] = [];
  const checks: DistractorCheck[] = [];
  let pending = spec.initial;
  for (let round = 0; ; round++) {
    const verdicts = await spec.check(pending);
    const roundChecks = pending.map((text, i): DistractorCheck => {
      const { alsoCorrect, reason } = verdicts[i]!;
      return { text, verdict: alsoCorrect ? 'also-correct' : 'wrong', reason, round };
    });
    checks.push(...roundChecks);
    kept.push(...roundChecks.filter((c) => c.verdict === 'wrong').map((c) => c.text));
    const flagged = roundChecks.filter((c) => c.verdict === 'also-correct');
    if (flagged.length === 0 || round === spec.rounds) return { kept, dropped: flagged, checks };
    pending = await spec.replace(
      flagged.length,
      kept,
      checks.filter((c) => c.verdict === 'also-correct'),
    );
  }
}
