import type { ItemCollection } from '../../sdk/index.ts';
import type { MCQ, QA } from '../types.ts';

/** The questions of the final set, once each: the open form of every MCQ and every open question, by id. */
export function finalQuestions(mcq: ItemCollection<MCQ>, open: ItemCollection<QA>): Map<string, QA> {
  const questions = new Map<string, QA>();
  for (const item of mcq) questions.set(item.open.id, item.open);
  for (const qa of open) questions.set(qa.id, qa);
  return questions;
}
