import { resolve } from 'node:path';
import { renderQuestion } from '../reasoning/question-text.ts';
import type { CoT, DenseCaption, MCQ, QA } from '../types.ts';
import { mediaTagProblem, videoPrompt } from './prompts.ts';

/**
 * The rows of the multi-task SFT (L_SFT = L_Cap + L_QA + L_CoT), in the messages + videos shape that LLaMA-Factory
 * (sharegpt with OpenAI-style role/content tags) and ms-swift both read.
 */

export type SftTask = 'caption' | 'direct' | 'cot';

interface SftMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SftRow {
  messages: SftMessage[];
  /** One absolute path, matching the single `<video>` of the user turn. */
  videos: [string];
}

export interface SftInstructions {
  system: string;
  caption: string;
  direct: string;
  open: string;
  thinking: string;
}

function conversation(system: string, user: string, assistant: string, videoPath: string): SftRow {
  const messages: SftMessage[] = [
    ...(system.trim() ? [{ role: 'system' as const, content: system }] : []),
    { role: 'user', content: user },
    { role: 'assistant', content: assistant },
  ];
  const problem = mediaTagProblem(messages.map((m) => m.content));
  if (problem) throw new Error(problem);
  return { messages, videos: [resolve(videoPath)] };
}

/** L_Cap: the video alone → C_detail as `[MM:SS-MM:SS] text` lines. */
export function captionRow(caption: DenseCaption, instructions: SftInstructions): SftRow {
  return conversation(instructions.system, videoPrompt('', instructions.caption), caption.text, caption.videoPath);
}

/** L_QA, multiple choice: question and options under the non-thinking instruction → the letter. */
export function multipleChoiceRow(question: MCQ, instructions: SftInstructions): SftRow {
  const user = videoPrompt(renderQuestion(question.question, question.options), instructions.direct);
  return conversation(instructions.system, user, question.answer, question.videoPath);
}

/** L_QA, open: the question under the non-thinking instruction → the answer text. */
export function openRow(question: QA, instructions: SftInstructions): SftRow {
  return conversation(instructions.system, videoPrompt(question.question, instructions.open), question.answer, question.videoPath);
}

/** L_CoT: question (with options) under the thinking instruction → the tagged re-watching reasoning. */
export function cotRow(cot: CoT, instructions: SftInstructions): SftRow {
  const user = videoPrompt(renderQuestion(cot.question, cot.options), instructions.thinking);
  return conversation(instructions.system, user, cot.text, cot.videoPath);
}
