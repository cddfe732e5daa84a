/**
 * A small run's items through every stage, built by rules the report test also reads: which questions each filter
 * keeps, how many actions each CoT takes, how the probe answers. Nothing here is a report figure.
 */
import { QUESTION_TYPES, type CoT, type Dataset, type DenseCaption, type FilterVerdict, type MCQ, type QA, type Segment, type Summary, type Trajectory, type Video } from '../../../nodes/rewatch/types.ts';
import { denseCaption } from '../reasoning/support.ts';

const DURATIONS = [120, 300, 60];
const EVENTS = [4, 7, 2];

export function videos(): Video[] {
  return DURATIONS.map((duration, i) => ({
    id: `video-c${i}`,
    path: `/videos/c${i}.mp4`,
    hash: `hash-${i}`,
    duration,
    fps: 30,
    width: 640,
    height: 360,
    sizeBytes: 1000,
  }));
}

export function segments(): Segment[] {
  return videos().flatMap((video) => {
    const halves = video.duration > 200 ? 2 : 1;
    return Array.from({ length: halves }, (_, index) => ({
      id: `${video.id}-s${index}`,
      videoId: video.id,
      videoPath: video.path,
      videoDuration: video.duration,
      index,
      start: (video.duration / halves) * index,
      end: (video.duration / halves) * (index + 1),
      reason: halves > 1 ? ('semantic' as const) : ('whole' as const),
    }));
  });
}

export function captions(): DenseCaption[] {
  return DURATIONS.map((duration, i) =>
    denseCaption(
      `c${i}`,
      Array.from({ length: EVENTS[i]! }, (_, e) => ({
        start: (duration / EVENTS[i]!) * e,
        end: (duration / EVENTS[i]!) * (e + 1),
        text: `Event ${e} of video ${i}.`,
      })),
      duration,
    ),
  );
}

export function summaries(): Summary[] {
  return captions().map((c) => ({ id: `sum-${c.id}`, videoId: c.videoId, captionId: c.id, text: `Video ${c.id} in short.` }));
}

const TYPES = ['counting', 'causal', 'OCR', 'counting', 'spatial', 'causal'] as const satisfies readonly (typeof QUESTION_TYPES)[number][];

export function generatedQa(): QA[] {
  const cs = captions();
  return Array.from({ length: 12 }, (_, i) => {
    const caption = cs[i % cs.length]!;
    return {
      id: `qa-${i}`,
      videoId: caption.videoId,
      videoPath: caption.videoPath,
      captionId: caption.id,
      question: `Question ${i}: what happens?`,
      answer: `Answer ${i}`,
      type: TYPES[i % TYPES.length]!,
      evidence: { start: 0, end: 10 },
    };
  });
}

const index = (qa: QA) => Number(qa.id.slice('qa-'.length));

function verdict(qa: QA, stage: FilterVerdict['stage'], probes: FilterVerdict['probes']): FilterVerdict {
  const accuracy = probes.filter((p) => p.correct).length / probes.length;
  return { qaId: qa.id, stage, kept: accuracy < 1, probes, accuracy, reason: `${stage} rule of the test` };
}

/** F1 keeps every question but those with i % 5 = 2; F2 and F3 drop a question when both probes are right. */
export function verdicts(qa: readonly QA[]) {
  const f1 = qa.map((q) => {
    const kept = index(q) % 5 !== 2;
    return { qaId: q.id, stage: 'F1' as const, kept, probes: [], accuracy: kept ? 1 : 0, reason: 'judge' };
  });
  const afterF1 = qa.filter((q) => f1.find((v) => v.qaId === q.id)!.kept);
  const f2 = afterF1.map((q) =>
    verdict(q, 'F2', [
      { probe: 'probe-text', answer: 'guess', correct: index(q) % 2 === 0 },
      { probe: 'probe-vlm', answer: 'guess', correct: index(q) % 3 === 0 },
    ]),
  );
  const afterF2 = afterF1.filter((q) => f2.find((v) => v.qaId === q.id)!.kept);
  const f3 = afterF2.map((q) =>
    verdict(q, 'F3', [
      { probe: 'probe-text', answer: 'guess', correct: index(q) % 4 === 1 },
      { probe: 'probe-vlm', answer: 'guess', correct: index(q) % 4 === 1 || index(q) === 4 },
    ]),
  );
  const kept = afterF2.filter((q) => f3.find((v) => v.qaId === q.id)!.kept);
  return { f1, f2, f3, kept };
}

/** The multiple-choice form: the answer among three distractors, at the position i % 4. */
export function multipleChoice(qa: QA): MCQ {
  const options = ['Distractor one', 'Distractor two', 'Distractor three'];
  options.splice(index(qa) % 4, 0, qa.answer);
  const { id, videoId, videoPath, captionId, type, question } = qa;
  return { id: `mcq-${id}`, qaId: id, videoId, videoPath, captionId, type, question, options, answer: 'ABCD'[index(qa) % 4]!, open: qa };
}

export function trajectory(mcq: MCQ, attempt: number, correct: boolean): Trajectory {
  const { videoId, videoPath, captionId, question, options } = mcq;
  return {
    id: `t-${mcq.id}`,
    questionId: mcq.id,
    videoId,
    videoPath,
    captionId,
    question,
    form: 'mc',
    options,
    groundTruth: mcq.answer,
    steps: [{ thought: 'Answer.', action: { name: 'answer', argument: correct ? mcq.answer : 'Z' }, observation: '' }],
    finalAnswer: correct ? mcq.answer : 'Z',
    correct,
    attempt,
    ...(correct ? {} : { failure: 'wrong answer' }),
  };
}

/** A CoT taking `actions` re-watching steps. */
export function cot(t: Trajectory, actions: number, completionTokens?: number): CoT {
  const steps = Array.from(
    { length: actions },
    (_, i) => `Step ${i + 1}.\n<action>segment_query(00:0${i}-00:0${i + 1})</action>\n<observation>Seen ${i}.</observation>`,
  );
  const { questionId, videoId, videoPath, captionId, question, form, options, groundTruth } = t;
  return {
    id: `cot-${t.id}`,
    trajectoryId: t.id,
    questionId,
    videoId,
    videoPath,
    captionId,
    question,
    form,
    ...(options ? { options } : {}),
    groundTruth,
    text: `${steps.join('\n')}\n<answer>${t.finalAnswer}</answer>`,
    ...(completionTokens !== undefined ? { completionTokens } : {}),
  };
}

export function dataset(stage: Dataset['stage'], format: Dataset['format'], rows: Record<string, number>): Dataset {
  return { stage, format, rows, files: [], sample: [], videos: { total: 0, byKey: {}, shared: 0 } };
}
