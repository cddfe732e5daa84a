import { z } from 'zod';
import type { LlmGateway } from '../sdk/index.ts';
import { renderTemplate } from '../sdk/index.ts';

/**
 * The judge every stage shares (F1, F2/F3 open answers, rejection sampling, the O&R reward): an LLM that says
 * whether a candidate answer matches a reference, as validated JSON.
 */
export const DEFAULT_JUDGE_PROMPT = `You are a strict grader. Decide whether the candidate answer means the same as the reference answer for the question.
Minor wording differences are fine; a different fact, count, time or entity is not.

Question: {{question}}
Reference answer: {{reference}}
Candidate answer: {{candidate}}

Reply with JSON only: {"correct": true or false, "reason": "one short sentence"}`;

/** The reason every judge's verdict carries. */
export const verdictReason = z.string().describe('One short sentence saying why.');

const judgeVerdictSchema = z.object({
  correct: z.boolean().describe('Whether the candidate answer means the same as the reference answer.'),
  reason: verdictReason,
});

type JudgeVerdict = z.output<typeof judgeVerdictSchema>;

export async function judgeAnswer(
  llm: LlmGateway,
  args: { profile: string; prompt?: string; question: string; reference: string; candidate: string },
): Promise<JudgeVerdict> {
  const reply = await llm.completeJson(judgeVerdictSchema, {
    profile: args.profile,
    temperature: 0,
    messages: [{ role: 'user', content: renderTemplate(args.prompt ?? DEFAULT_JUDGE_PROMPT, args) }],
  });
  return reply.value;
}
