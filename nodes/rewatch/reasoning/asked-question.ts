import { stableId } from '../ids.ts';
import type { MCQ, Question, Trajectory } from '../types.ts';

/** What a trajectory (and the CoT made of it) records of the question it answers. */
type AskedQuestion = Pick<
  Trajectory,
  'questionId' | 'videoId' | 'videoPath' | 'captionId' | 'question' | 'form' | 'options' | 'groundTruth'
>;

export function isMultipleChoice(question: Question): question is MCQ {
  return 'options' in question;
}

export function askedQuestion(question: Question): AskedQuestion {
  const asked = {
    questionId: question.id,
    videoId: question.videoId,
    videoPath: question.videoPath,
    captionId: question.captionId,
    question: question.question,
    groundTruth: question.answer,
  };
  return isMultipleChoice(question) ? { ...asked, form: 'mc', options: question.options } : { ...asked, form: 'open' };
}

/** A question's trajectory id; the form is part of it, so a question's open and multiple-choice forms never collide. */
export function trajectoryId(asked: Pick<AskedQuestion, 'form' | 'questionId'>): string {
  return stableId('trajectory', asked.form, asked.questionId);
}
