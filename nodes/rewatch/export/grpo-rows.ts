import { resolve } from 'node:path';
import { renderQuestion } from '../reasoning/question-text.ts';
import type { MCQ, QA } from '../types.ts';
import type { VideoBudget } from '../../sdk/index.ts';
import { framesCap, MIN_FRAME_PIXELS } from '../qwen-vision.ts';
import { encodeGroundTruth } from './ground-truth.ts';
import { mediaTagProblem, promptText, videoPrompt } from './prompts.ts';

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

/** What the trainers need of a question: the prompt with its `<video>`, the video's absolute path, the encoded truth. */
export interface RlPrompt {
  question: RlQuestion;
  prompt: string;
  /** The prompt's words without the `<video>` placeholder, for trainers that take the video apart from the text. */
  text: string;
  videoPath: string;
  groundTruth: string;
}

export function rlPrompt(question: RlQuestion, instruction: string): RlPrompt {
  const text = promptText(renderQuestion(question.question, question.options), instruction);
  const prompt = videoPrompt(text, '');
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
  return { question, prompt, text, videoPath: resolve(question.videoPath), groundTruth };
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

/**
 * One verl video: qwen-vl-utils' per-video keys, which verl passes through as they are (volcengine/verl
 * verl/utils/dataset/rl_dataset.py `_build_messages` and vision_utils.py `process_video` at
 * b178a3cd56f58b2d502255daba591e92833930a7). A row that gives `fps` keeps verl's own frame settings from applying, so the
 * frame and pixel caps travel with it (QwenLM/Qwen3-VL qwen-vl-utils/src/qwen_vl_utils/vision_process.py
 * `smart_nframes`, `fetch_video` at 96588727e44c78b25ba03ea03b8e12f7e64fd0da).
 */
interface VerlVideo {
  video: string;
  fps: number;
  max_frames: number;
  min_pixels: number;
  max_pixels: number;
}

export interface VerlRow {
  data_source: 'rewatch';
  prompt: Array<{ role: 'user'; content: string }>;
  videos: VerlVideo[];
  ability: 'video-reasoning';
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: { question_id: string; caption_id: string; type: string; split: Split; index: number };
}

export function verlRow(p: RlPrompt, split: Split, index: number, budget: VideoBudget): VerlRow {
  return {
    data_source: 'rewatch',
    prompt: [{ role: 'user', content: p.prompt }],
    videos: [
      {
        // Not percent-encoded: qwen-vl-utils strips `file://` and opens the rest as a plain path.
        video: `file://${p.videoPath}`,
        fps: budget.fps,
        max_frames: framesCap(budget),
        min_pixels: MIN_FRAME_PIXELS,
        max_pixels: budget.maxPixels,
      },
    ],
    ability: 'video-reasoning',
    reward_model: { style: 'rule', ground_truth: p.groundTruth },
    extra_info: { question_id: p.question.questionId, caption_id: p.question.captionId, type: p.question.type, split, index },
  };
}
