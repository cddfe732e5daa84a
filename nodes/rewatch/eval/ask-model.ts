import type { ChatContentPart, NodeContext } from '../../sdk/index.ts';
import { expectedText, type Ask, type BenchmarkQuestion, type Expected } from './question.ts';
import { answerSpan, type Mode } from './reply.ts';
import { countError, scoreAnswer, type OpenJudge } from './score.ts';
import type { AskResult, EvaluationResult } from './types.ts';
import type { BenchmarkId } from './benchmarks.ts';

/** What asking needs from the evaluate node's config. */
interface AskSettings {
  benchmark: BenchmarkId;
  provider: string;
  temperature: number;
  maxTokens: number;
  thinkingInstruction: string;
  directInstruction: string;
  numberInstruction: string;
  openInstruction: string;
}

/** The instruction after a question: the thinking one in thinking mode, else the one for the kind of answer asked. */
function instruction(expected: Expected, mode: Mode, s: AskSettings): string {
  if (mode === 'thinking') return s.thinkingInstruction;
  if (expected.kind === 'choice') return s.directInstruction;
  return expected.kind === 'count' ? s.numberInstruction : s.openInstruction;
}

/**
 * One request and its score; a failure (of the video's frames, the model or the judge) is a wrong answer with its
 * error and any reply.
 */
async function askOnce(
  ctx: NodeContext,
  ask: Ask,
  mode: Mode,
  frames: Promise<ChatContentPart[]>,
  s: AskSettings,
  judge: OpenJudge,
): Promise<AskResult> {
  const answer = expectedText(ask.expected);
  let reply: string | null = null;
  try {
    const parts = await frames;
    const text = [ask.prompt, instruction(ask.expected, mode, s)].filter((part) => part.trim()).join('\n');
    const response = await ctx.llm.complete({
      profile: s.provider,
      messages: [{ role: 'user', content: [...parts, { type: 'text', text }] }],
      temperature: s.temperature,
      maxTokens: s.maxTokens,
    });
    reply = response.text;
    const score = await scoreAnswer(ask.expected, answerSpan(reply, mode), judge);
    return { answer, ...score, status: score.predicted === null ? 'unparsed' : 'scored', reply };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const raw = (error as { raw?: unknown }).raw;
    const message = (error as Error).message;
    return { answer, predicted: null, correct: false, status: 'error', reply: reply ?? (typeof raw === 'string' ? raw : null), error: message };
  }
}

const worst = (asks: readonly AskResult[]) =>
  asks.some((a) => a.status === 'error') ? 'error' : asks.some((a) => a.status === 'unparsed') ? 'unparsed' : 'scored';

/** Asks every part of a question over the video's frames; it is right only when every part is. */
export async function askQuestion(
  ctx: NodeContext,
  question: BenchmarkQuestion & { index: number },
  mode: Mode,
  frames: Promise<ChatContentPart[]>,
  s: AskSettings,
  judge: OpenJudge,
): Promise<EvaluationResult> {
  const asks = await Promise.all(question.asks.map((ask) => askOnce(ctx, ask, mode, frames, s, judge)));
  const [first] = question.asks;
  const status = worst(asks);
  if (status === 'error') ctx.log.warn(`question ${question.id} (${mode}): ${asks.find((a) => a.error)!.error}`);
  return {
    benchmark: s.benchmark,
    questionId: question.id,
    index: question.index,
    category: question.category,
    mode,
    correct: asks.every((a) => a.correct),
    status,
    asks,
    ...(first.expected.kind === 'count' ? { absError: countError(first.expected.value, asks[0]!.predicted) } : {}),
  };
}
