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

const verdictSchema = {
  type: 'object',
  properties: { correct: { type: 'boolean' }, reason: { type: 'string' } },
  required: ['correct', 'reason'],
};

export interface JudgeVerdict {
  correct: boolean;
  reason: string;
}

export async function judgeAnswer(
  llm: LlmGateway,
  args: { profile: string; prompt?: string; question: string; reference: string; candidate: string },
): Promise<JudgeVerdict> {
  const reply = await llm.complete({
    profile: args.profile,
    temperature: 0,
    messages: [{ role: 'user', content: renderTemplate(args.prompt ?? DEFAULT_JUDGE_PROMPT, args) }],
    jsonSchema: verdictSchema,
  });
  return reply.json as unknown as JudgeVerdict;
}
