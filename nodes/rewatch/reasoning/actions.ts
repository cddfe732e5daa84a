import { optionLetters, parseChoice } from '../answers/choice.ts';
import type { TrajectoryStep } from '../types.ts';
import { formatTimeRange, parseTimeRange } from './time-ranges.ts';

/**
 * The reasoner's actions as text: `segment_retrieval(query)`, `segment_query(MM:SS-MM:SS)`, `answer(X)`. The same
 * form is written inside `<action>` tags of a converted chain of thought.
 */
export type Action = TrajectoryStep['action'];
export type ActionName = Action['name'];

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export function formatAction(action: Action): string {
  return `${action.name}(${action.argument})`;
}

/** The steps that gathered evidence (all but the final answer), as `name(argument)` texts. */
export function evidenceActions(steps: readonly TrajectoryStep[]): string[] {
  return steps.filter((s) => s.action.name !== 'answer').map((s) => formatAction(s.action));
}

function unquote(text: string): string {
  const trimmed = text.trim();
  const quoted = /^(["'`])([\s\S]*)\1$/.exec(trimmed);
  return (quoted ? quoted[2]! : trimmed).trim();
}

/**
 * Reads one action call and returns it in canonical form: a segment query's range as `MM:SS-MM:SS`, an answer as
 * its option letter when the question has `options`, otherwise as written.
 */
export function parseAction(text: string, options?: readonly string[]): Parsed<Action> {
  const call = /^`?\s*([A-Za-z_]+)\s*\(([\s\S]*)\)\s*`?\s*\.?$/.exec(text.trim());
  if (!call) return { ok: false, problem: `"${text.trim()}" is not an action call like name(argument)` };
  const name = call[1]!.toLowerCase();
  const argument = unquote(call[2]!);
  switch (name) {
    case 'segment_retrieval':
      if (!argument) return { ok: false, problem: 'segment_retrieval needs a description of what to look for' };
      return { ok: true, value: { name: 'segment_retrieval', argument } };
    case 'segment_query': {
      const range = parseTimeRange(argument);
      if (!range) return { ok: false, problem: `segment_query needs a time range MM:SS-MM:SS, got "${argument}"` };
      return { ok: true, value: { name: 'segment_query', argument: formatTimeRange(range) } };
    }
    case 'answer': {
      if (options === undefined) {
        return argument ? { ok: true, value: { name: 'answer', argument } } : { ok: false, problem: 'answer needs an answer' };
      }
      const choice = parseChoice(argument, options);
      if (choice.kind === 'none') {
        const letters = optionLetters(options.length).join(', ');
        return { ok: false, problem: `answer needs the letter of an option (${letters}), got "${argument}": ${choice.reason}` };
      }
      return { ok: true, value: { name: 'answer', argument: choice.letter } };
    }
    default:
      return {
        ok: false,
        problem: `unknown action "${call[1]}" (use segment_retrieval, segment_query or answer)`,
      };
  }
}

/** An action in a comparable form: canonical when it parses, otherwise its text with whitespace collapsed. */
export function actionKey(text: string): string {
  const parsed = parseAction(text);
  return parsed.ok ? formatAction(parsed.value) : text.trim().replace(/\s+/g, ' ');
}

export interface ReasonerTurn {
  thought: string;
  action: Action;
}

const ACTION_LINE = /^\s*Action\s*:\s*(.*)$/i;

/**
 * Reads a reasoner reply `Thought: …\nAction: name(argument)`. Anything from an `Observation:` line on is the
 * model writing the observer's part and is ignored; more than one `Action:` line is a malformed reply.
 */
export function parseReasonerReply(reply: string, options: readonly string[]): Parsed<ReasonerTurn> {
  const lines = reply.replace(/\*\*/g, '').split(/\r?\n/);
  const observationAt = lines.findIndex((line) => /^\s*Observation\s*:/i.test(line));
  const ownLines = observationAt === -1 ? lines : lines.slice(0, observationAt);
  const actionAt = ownLines.flatMap((line, index) => (ACTION_LINE.test(line) ? [index] : []));
  if (actionAt.length === 0) return { ok: false, problem: 'the reply has no "Action:" line' };
  if (actionAt.length > 1) return { ok: false, problem: `the reply has ${actionAt.length} "Action:" lines; give exactly one` };
  const action = parseAction(ACTION_LINE.exec(ownLines[actionAt[0]!]!)![1]!, options);
  if (!action.ok) return action;
  const thought = ownLines
    .slice(0, actionAt[0])
    .join('\n')
    .replace(/^\s*Thought\s*:\s*/i, '')
    .trim();
  return { ok: true, value: { thought, action: action.value } };
}
