import { z } from 'zod';
import { QUESTION_TYPES } from '../types.ts';

/**
 * The ground truth of an RL question as one string. EasyR1's reward function receives only `ground_truth` (and verl's
 * gets it first), so everything the O&R reward needs besides C_detail travels in it as JSON: the answer, the question
 * with its options (for r_acc on open answers and for r_rea) and the caption id the reward server looks C_detail up by.
 * The GRPO export writes it and the reward server reads it; both go through these two functions.
 */
export interface GroundTruth {
  /** The correct letter (multiple choice) or answer text (open). */
  answer: string;
  captionId: string;
  questionId: string;
  type: (typeof QUESTION_TYPES)[number];
  question: string;
  /** Present for multiple-choice questions. */
  options?: string[];
}

const encodedSchema = z.object({
  answer: z.string(),
  caption_id: z.string().min(1),
  question_id: z.string().min(1),
  type: z.enum(QUESTION_TYPES),
  question: z.string(),
  options: z.array(z.string()).min(2).optional(),
});

export function encodeGroundTruth(truth: GroundTruth): string {
  const encoded: z.input<typeof encodedSchema> = {
    answer: truth.answer,
    caption_id: truth.captionId,
    question_id: truth.questionId,
    type: truth.type,
    question: truth.question,
    ...(truth.options?.length ? { options: truth.options } : {}),
  };
  return JSON.stringify(encoded);
}

/** Throws when the text is not a ground truth this module wrote. */
export function decodeGroundTruth(text: string): GroundTruth {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`ground truth is not JSON: ${text.slice(0, 200)}`);
  }
  const parsed = encodedSchema.safeParse(json);
  if (!parsed.success) throw new Error(`ground truth is malformed (${z.prettifyError(parsed.error)}): ${text.slice(0, 200)}`);
  const { answer, caption_id, question_id, type, question, options } = parsed.data;
  return { answer, captionId: caption_id, questionId: question_id, type, question, ...(options ? { options } : {}) };
}
