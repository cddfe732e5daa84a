import { z } from 'zod';
import { defineDataType } from '../sdk/index.ts';

/**
 * The data types of the ReWatch pipeline. Each item names the video it comes from (`videoId`, the content hash) and,
 * where it depends on one, the dense caption (`captionId`), so downstream nodes join side inputs by id.
 * Times are seconds from the start of the whole video.
 */

export const QUESTION_TYPES = [
  'event localization',
  'temporal localization',
  'counting',
  'causal',
  'state change',
  'OCR',
  'spatial',
  'numerical',
  'object recognition',
  'counterfactual',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

const seconds = z.number().min(0);
const span = z.object({ start: seconds, end: seconds });

export const videoSchema = z.object({
  id: z.string().describe('Content hash (sha256) of the file.'),
  path: z.string(),
  hash: z.string(),
  duration: seconds,
  fps: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sizeBytes: z.number().int().min(0),
});
export type Video = z.infer<typeof videoSchema>;

/** A matched video file known by its content hash, before ffprobe has read it: a Video has these fields too. */
export const videoFileSchema = videoSchema.pick({ id: true, path: true });
export type VideoFile = z.infer<typeof videoFileSchema>;

export const segmentSchema = z.object({
  id: z.string(),
  videoId: z.string(),
  videoPath: z.string(),
  videoDuration: seconds,
  index: z.number().int().min(0),
  start: seconds,
  end: seconds,
  reason: z.enum(['whole', 'semantic', 'scene-change', 'fixed']),
});
export type Segment = z.infer<typeof segmentSchema>;

export const captionEventSchema = z.object({
  start: seconds,
  end: seconds,
  text: z.string(),
  /** Problems found while re-aligning; flagged events are kept, never silently dropped or fixed. */
  flags: z.array(z.enum(['out-of-range', 'non-monotonic', 'reversed'])).default([]),
});
export type CaptionEvent = z.infer<typeof captionEventSchema>;

const clipSamplingShape = {
  /** Index of the segment the clip belongs to. */
  segment: z.number().int().min(0),
  /** The clip sent in one request: the whole segment, or one of its consecutive sub-clips (`frameBudget: split`). */
  start: seconds,
  end: seconds,
  configuredFps: z.number().positive(),
  /** Whether `maxFrames` lowered the rate below `configuredFps` (`frameBudget: cap`). */
  capped: z.boolean(),
};
/** How one clip of a dense caption was sampled: the frame rate the model really got. */
export const clipSamplingSchema = z.discriminatedUnion('input', [
  z.object({
    input: z.literal('frames'),
    ...clipSamplingShape,
    /** JPEG frames sent. */
    frames: z.number().int().min(0),
    /** Effective rate: frames sent ÷ clip duration. */
    fps: z.number().min(0),
  }),
  z.object({
    input: z.literal('video_url'),
    ...clipSamplingShape,
    /** The rate the request asks the server to sample at (`mm_processor_kwargs.fps`); the server counts the frames. */
    fps: z.number().positive(),
  }),
]);
export type ClipSampling = z.infer<typeof clipSamplingSchema>;

export const denseCaptionSchema = z.object({
  id: z.string(),
  videoId: z.string(),
  videoPath: z.string(),
  duration: seconds,
  events: z.array(captionEventSchema),
  /** The events as `[MM:SS-MM:SS] text` lines: C_detail. */
  text: z.string(),
  /** Caption lines the parser could not read, with their segment. */
  unparsed: z.array(z.object({ segment: z.number().int(), line: z.string() })).default([]),
  /** One entry per clip captioned, in time order; absent on captions the captioner did not make. */
  sampling: z.array(clipSamplingSchema).optional(),
});
export type DenseCaption = z.infer<typeof denseCaptionSchema>;

export const summarySchema = z.object({ id: z.string(), videoId: z.string(), captionId: z.string(), text: z.string() });
export type Summary = z.infer<typeof summarySchema>;

export const qaSchema = z.object({
  id: z.string(),
  videoId: z.string(),
  videoPath: z.string(),
  captionId: z.string(),
  question: z.string(),
  answer: z.string(),
  type: z.enum(QUESTION_TYPES),
  evidence: span,
});
export type QA = z.infer<typeof qaSchema>;

export const probeAnswerSchema = z.object({
  probe: z.string(),
  answer: z.string(),
  correct: z.boolean(),
  /** How the answer was graded: the option it was read as choosing, or the judge's reason. */
  reason: z.string().optional(),
});
export const filterVerdictSchema = z.object({
  qaId: z.string(),
  stage: z.enum(['F1', 'F2', 'F3']),
  kept: z.boolean(),
  probes: z.array(probeAnswerSchema),
  /** Mean probe accuracy (F2, F3) or 1/0 for the judge's verdict (F1). */
  accuracy: z.number().min(0).max(1),
  reason: z.string(),
  /** F2/F3 on a multiple-choice question: the probes' answers to its MC form (with the options) and their accuracy. */
  mcProbes: z.array(probeAnswerSchema).optional(),
  mcAccuracy: z.number().min(0).max(1).optional(),
});
export type FilterVerdict = z.infer<typeof filterVerdictSchema>;

/** The judge's verdict on one distractor: `also-correct` when C_detail makes it a correct answer too. */
export const distractorCheckSchema = z.object({
  text: z.string(),
  verdict: z.enum(['wrong', 'also-correct']),
  reason: z.string(),
  /** 0 for the first distractors written, n for the n-th regeneration. */
  round: z.number().int().min(0),
});
export type DistractorCheck = z.infer<typeof distractorCheckSchema>;

export const mcqSchema = z.object({
  id: z.string(),
  qaId: z.string(),
  videoId: z.string(),
  videoPath: z.string(),
  captionId: z.string(),
  type: z.enum(QUESTION_TYPES),
  question: z.string(),
  options: z.array(z.string()).min(2),
  /** Letter of the correct option (A, B, …). */
  answer: z.string().regex(/^[A-Z]$/),
  open: qaSchema,
  /** The judge's check of every distractor written, over all rounds (absent when distractors were not checked). */
  distractorChecks: z.array(distractorCheckSchema).optional(),
});
export type MCQ = z.infer<typeof mcqSchema>;

/** A question `rewatch.mcq` could not give enough checked distractors. */
export const rejectedMcqSchema = z.object({
  qaId: z.string(),
  open: qaSchema,
  /** The options that survived the checks, the correct answer first. */
  options: z.array(z.string()),
  distractorChecks: z.array(distractorCheckSchema),
  reason: z.string(),
});
export type RejectedMCQ = z.infer<typeof rejectedMcqSchema>;

export const trajectoryStepSchema = z.object({
  thought: z.string(),
  action: z.object({ name: z.enum(['segment_retrieval', 'segment_query', 'answer']), argument: z.string() }),
  observation: z.string(),
});
export type TrajectoryStep = z.infer<typeof trajectoryStepSchema>;

/** Either form of a question, as the reasoner is asked it. */
export const questionSchema = z.union([mcqSchema, qaSchema]);
export type Question = z.infer<typeof questionSchema>;

/** `mc`: answered by option letter; `open`: a free-text answer, judged against the reference. */
export const QUESTION_FORMS = ['mc', 'open'] as const;

/** The question a trajectory answers, and what it was asked over; a CoT carries it on. */
const askedQuestionShape = {
  questionId: z.string(),
  videoId: z.string(),
  videoPath: z.string(),
  captionId: z.string(),
  question: z.string(),
  form: z.enum(QUESTION_FORMS),
  /** The options of a multiple-choice (`mc`) question; absent for an open one. */
  options: z.array(z.string()).optional(),
  /** The correct letter (`mc`) or the reference answer (`open`). */
  groundTruth: z.string(),
};

export const trajectorySchema = z.object({
  id: z.string(),
  ...askedQuestionShape,
  steps: z.array(trajectoryStepSchema),
  finalAnswer: z.string(),
  correct: z.boolean(),
  attempt: z.number().int().min(1),
  /** Why a rejected attempt failed: a wrong answer, a second malformed reply (with the raw text), or no answer in time. */
  failure: z.string().optional(),
});
export type Trajectory = z.infer<typeof trajectorySchema>;

export const cotSchema = z.object({
  id: z.string(),
  trajectoryId: z.string(),
  ...askedQuestionShape,
  /** Natural reasoning keeping `<action>`, `<observation>` and `<answer>` tags. */
  text: z.string(),
  /** Length of the converter's reply in tokens, as its server counted them (absent when the server reported none). */
  completionTokens: z.number().int().positive().optional(),
});
export type CoT = z.infer<typeof cotSchema>;

export const rewardBreakdownSchema = z.object({
  id: z.string(),
  responseId: z.string(),
  rAcc: z.number(),
  rObs: z.number(),
  rRea: z.number(),
  rFmt: z.number(),
  total: z.number(),
  notes: z.object({
    accuracy: z.string(),
    observations: z.array(z.object({ action: z.string(), observation: z.string(), score: z.number(), note: z.string() })),
    reasoning: z.string(),
    format: z.string(),
  }),
});
export type RewardBreakdown = z.infer<typeof rewardBreakdownSchema>;

export const datasetSchema = z.object({
  /** Which training the rows are for: ms-swift files exist for both. */
  stage: z.enum(['sft', 'grpo']),
  format: z.enum(['llamafactory', 'ms-swift', 'easyr1', 'verl', 'trl']),
  /** Rows written, by task (`caption`, `direct`, `cot`, `train`, `val`). */
  rows: z.record(z.string(), z.number().int()),
  files: z.array(z.object({ path: z.string(), rows: z.number().int(), bytes: z.number().int(), sha256: z.string() })),
  /** The first rows as written, for the preview. */
  sample: z.array(z.unknown()),
  /** The distinct videos the rows come from. */
  videos: z.object({
    total: z.number().int().min(0),
    /** For each key of `rows`. */
    byKey: z.record(z.string(), z.number().int().min(0)),
    /** Videos under two keys or more: 0 for GRPO, whose validation videos are held out whole. */
    shared: z.number().int().min(0),
  }),
});
export type Dataset = z.infer<typeof datasetSchema>;

export const VideoType = defineDataType({
  id: 'Video',
  title: 'Video',
  description: 'A video file with its ffprobe metadata and content hash.',
  color: '#fb923c',
  schema: videoSchema,
});
export const VideoFileType = defineDataType({
  id: 'VideoFile',
  title: 'Video file',
  description: 'A matched video file and its content hash, listed before it is probed. A Video port may feed it.',
  color: '#ea580c',
  schema: videoFileSchema,
  accepts: [VideoType.id],
});
export const SegmentType = defineDataType({
  id: 'Segment',
  title: 'Segment',
  description: 'A time range of a video, the unit the captioner describes.',
  color: '#fde047',
  schema: segmentSchema,
});
export const DenseCaptionType = defineDataType({
  id: 'DenseCaption',
  title: 'Dense caption',
  description: 'C_detail: timestamped events over a whole video.',
  color: '#22c55e',
  schema: denseCaptionSchema,
});
export const SummaryType = defineDataType({
  id: 'Summary',
  title: 'Summary',
  description: 'C_sum: a short summary of a dense caption.',
  color: '#84cc16',
  schema: summarySchema,
});
export const QAType = defineDataType({
  id: 'QA',
  title: 'Question and answer',
  description: 'An open question with its answer, type and evidence span.',
  color: '#818cf8',
  schema: qaSchema,
});
export const FilterVerdictType = defineDataType({
  id: 'FilterVerdict',
  title: 'Filter verdict',
  description: 'Why a filter kept or dropped a question: probe answers, accuracy, reason.',
  color: '#c084fc',
  schema: filterVerdictSchema,
});
export const MCQType = defineDataType({
  id: 'MCQ',
  title: 'Multiple-choice question',
  description: 'A question with shuffled options and the correct letter; keeps its open form.',
  color: '#22d3ee',
  schema: mcqSchema,
});
export const AnyQuestionType = defineDataType({
  id: 'Question',
  title: 'Question (multiple choice or open)',
  description: 'A multiple-choice or an open question: a port of this type takes both.',
  color: '#38bdf8',
  schema: questionSchema,
  accepts: [MCQType.id, QAType.id],
});
export const RejectedMCQType = defineDataType({
  id: 'RejectedMCQ',
  title: 'Rejected multiple-choice question',
  description: 'An open question left with too few options once distractors that are also correct were dropped; with the reason.',
  color: '#fda4af',
  schema: rejectedMcqSchema,
});
export const TrajectoryType = defineDataType({
  id: 'Trajectory',
  title: 'ReAct trajectory',
  description: 'Reasoner thoughts and actions with the observer’s observations, and the final answer.',
  color: '#f472b6',
  schema: trajectorySchema,
});
export const CoTType = defineDataType({
  id: 'CoT',
  title: 'Chain of thought',
  description: 'Natural reasoning with <action>, <observation> and <answer> tags.',
  color: '#fdba74',
  schema: cotSchema,
});
export const RewardBreakdownType = defineDataType({
  id: 'RewardBreakdown',
  title: 'O&R reward',
  description: 'r_acc, r_obs, r_rea, r_fmt and the total r_acc·(1 + r_obs + r_rea) + r_fmt.',
  color: '#f87171',
  schema: rewardBreakdownSchema,
});
export const DatasetType = defineDataType({
  id: 'Dataset',
  title: 'Dataset',
  description: 'Training files written in a trainer’s format.',
  color: '#f1f5f9',
  schema: datasetSchema,
});
