import { resolve } from 'node:path';
import { renderQuestion } from '../reasoning/question-text.ts';
import type { MCQ, QA } from '../types.ts';
import { encodeGroundTruth } from './ground-truth.ts';
import { mediaTagProblem, videoPrompt } from './prompts.ts';

/** A question of the RL set, whichever form (multiple choice or open) it comes in. */
export interface RlQuestion {
  questionId: string;
  /** The split unit: all questions of a video land in the same split, so validation never shows a trained-on video. */
  videoId: string;
  captionId: string;
  videoPath: string;
  type: MCQ['type'];
  question: string;
  options?: string[];
  answer: string;
}

export type Split = 'train' | 'val';

export function multipleChoiceQuestion(mcq: MCQ): RlQuestion {
  return {
    questionId: mcq.id,
    videoId: mcq.videoId,
    captionId: mcq.captionId,
    videoPath: mcq.videoPath,
    type: mcq.type,
    question: mcq.question,
    options: mcq.options,
    answer: mcq.answer,
  };
}

export function openQuestion(qa: QA): RlQuestion {
  return {
    questionId: qa.id,
    videoId: qa.videoId,
    captionId: qa.captionId,
    videoPath: qa.videoPath,
    type: qa.type,
    question: qa.question,
    answer: qa.answer,
  };
}

/** What both trainers need of a question: the prompt with its `<video>`, the video's absolute path, the encoded truth. */
export interface RlPrompt {
  question: RlQuestion;
  prompt: string;
  videoPath: string;
  groundTruth: string;
}

export function rlPrompt(question: RlQuestion, instruction: string): RlPrompt {
  const prompt = videoPrompt(renderQuestion(question.question, question.options), instruction);
  const problem = mediaTagProblem([prompt]);
  if (problem) throw new Error(problem);
  const groundTruth = encodeGroundTruth({
    answer: question.answer,
    captionId: question.captionId,
    questionId: question.questionId,
    type: question.type,
    question: question.question,
    ...(question.options ? { options: question.options } : {}),
  });
  return { question, prompt, videoPath: resolve(question.videoPath), groundTruth };
}

/** EasyR1: `data.prompt_key: problem`, `data.answer_key: answer`, `data.video_key: videos`. */
export interface EasyR1Row {
  problem: string;
  answer: string;
  videos: string[];
}

export function easyR1Row(p: RlPrompt): EasyR1Row {
  return { problem: p.prompt, answer: p.groundTruth, videos: [p.videoPath] };
}

export interface VerlRow {
  data_source: 'rewatch';
  prompt: Array<{ role: 'user'; content: string }>;
  videos: Array<{ video: string; fps: number }>;
  ability: 'video-reasoning';
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: { question_id: string; caption_id: string; type: string; split: Split; index: number };
}

export function verlRow(p: RlPrompt, split: Split, index: number, fps: number): VerlRow {
  return {
    data_source: 'rewatch',
    prompt: [{ role: 'user', content: p.prompt }],
    // Not percent-encoded: qwen-vl-utils strips `file://` and opens the rest as a plain path.
    videos: [{ video: `file://${p.videoPath}`, fps }],
    ability: 'video-reasoning',
    reward_model: { style: 'rule', ground_truth: p.groundTruth },
    extra_info: { question_id: p.question.questionId, caption_id: p.question.captionId, type: p.question.type, split, index },
  };
}
