import { optionLetters, parseChoice } from '../answers/choice.ts';
import type { TrajectoryStep } from '../types.ts';
import { formatSegmentTarget, parseSegmentTarget, rangeBetween, type SegmentTarget } from './time-ranges.ts';

/**
 * The reasoner's actions as text: `segment_retrieval(query)`, `segment_query(MM:SS)` (or a range
 * `segment_query(MM:SS-MM:SS)`), `answer(X)`. The same form is written inside `<action>` tags of a converted chain of
 * thought.
 */
export type Action = TrajectoryStep['action'];
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export function formatAction(action: Action): string {
  return `${action.name}(${action.argument})`;
}

/** The steps that gathered evidence (all but the final answer), as `name(argument)` texts. */
export function evidenceActions(steps: readonly TrajectoryStep[]): string[] {
  return steps.filter((s) => s.action.name !== 'answer').map((s) => formatAction(s.action));
}

/**
 * An argument as meant, without what models wrap it in: a keyword (`timestamp="01:23"`, `query='a dog'`) and
 * quotes.
 */
function plainArgument(text: string): string {
  const value = text.trim().replace(/^[A-Za-z_]+\s*=(?!=)\s*/, '');
  const quoted = /^(["'`])([\s\S]*)\1$/.exec(value);
  return (quoted ? quoted[2]! : value).trim();
}

/** `segment_query`'s argument: one moment or range, or a start and an end given as two arguments. */
function segmentTarget(argument: string): SegmentTarget | undefined {
  const parts = argument.split(',').map(plainArgument);
  if (parts.length === 1) return parseSegmentTarget(parts[0]!);
  const range = parts.length === 2 ? rangeBetween(parts[0]!, parts[1]!) : undefined;
  return range && { kind: 'range', range };
}

/**
 * Reads one action call and returns it in canonical form: a segment query's moment as `MM:SS` or range as
 * `MM:SS-MM:SS`, an answer as its option letter when the question has `options`, otherwise as written.
 */
export function parseAction(text: string, options?: readonly string[]): Parsed<Action> {
  const call = /^`?\s*([A-Za-z_]+)\s*\(([\s\S]*)\)\s*`?\s*\.?$/.exec(text.trim());
  if (!call) return { ok: false, problem: `"${text.trim()}" is not an action call like name(argument)` };
  const name = call[1]!.toLowerCase();
  const argument = plainArgument(call[2]!);
  switch (name) {
    case 'segment_retrieval':
      if (!argument) return { ok: false, problem: 'segment_retrieval needs a description of what to look for' };
      return { ok: true, value: { name: 'segment_retrieval', argument } };
    case 'segment_query': {
      const target = segmentTarget(call[2]!);
      if (!target) {
        return { ok: false, problem: `segment_query needs a timestamp MM:SS (or a range MM:SS-MM:SS), got "${argument}"` };
      }
      return { ok: true, value: { name: 'segment_query', argument: formatSegmentTarget(target) } };
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

interface ReasonerTurn {
  thought: string;
  action: Action;
}

// Optionally after a list or heading marker, and numbered as in the original ReAct prompts (`Action 2:`).
const LABEL_PREFIX = String.raw`^\s*(?:[-*>#]+\s*)?`;
const ACTION_LINE = new RegExp(String.raw`${LABEL_PREFIX}Action(?:\s*\d+)?\s*:\s*(.*)$`, 'i');
const ACTION_INPUT_LINE = new RegExp(String.raw`${LABEL_PREFIX}Action\s+Input\s*:\s*(.*)$`, 'i');
const OBSERVATION_LINE = new RegExp(String.raw`${LABEL_PREFIX}Observation(?:\s*\d+)?\s*:`, 'i');
const THOUGHT_LABEL = new RegExp(String.raw`${LABEL_PREFIX}Thought(?:\s*\d+)?\s*:\s*`, 'i');
const THINKING = /^\s*(?:<think>)?([\s\S]*)<\/think>/;

/**
 * The action written on an `Action:` line; a bare name followed by an `Action Input:` line (the LangChain form)
 * is read as the call `name(input)`.
 */
function actionText(lines: readonly string[], at: number): string {
  const written = ACTION_LINE.exec(lines[at]!)![1]!.trim();
  const input = ACTION_INPUT_LINE.exec(lines[at + 1] ?? '');
  return input && /^`?[A-Za-z_]+`?$/.test(written) ? `${written.replace(/`/g, '')}(${input[1]!.trim()})` : written;
}

/**
 * Reads a reasoner reply `Thought: …\nAction: name(argument)`, as models write it: markdown emphasis around the
 * labels, a `<think>` block first (its text is the thought when the reply has no other). Anything from an
 * `Observation:` line on is the model writing the observer's part and is ignored; more than one `Action:` line is a
 * malformed reply. `options` are given for multiple-choice questions, whose answer must choose one of them.
 */
export function parseReasonerReply(reply: string, options?: readonly string[]): Parsed<ReasonerTurn> {
  const thinking = THINKING.exec(reply);
  const visible = thinking ? reply.slice(thinking[0].length) : reply;
  const lines = visible.replace(/\*\*|__/g, '').split(/\r?\n/);
  const observationAt = lines.findIndex((line) => OBSERVATION_LINE.test(line));
  const ownLines = observationAt === -1 ? lines : lines.slice(0, observationAt);
  const actionAt = ownLines.flatMap((line, index) => (ACTION_LINE.test(line) ? [index] : []));
  if (actionAt.length === 0) return { ok: false, problem: 'the reply has no "Action:" line' };
  if (actionAt.length > 1) return { ok: false, problem: `the reply has ${actionAt.length} "Action:" lines; give exactly one` };
  const action = parseAction(actionText(ownLines, actionAt[0]!), options);
  if (!action.ok) return action;
  const thought = ownLines.slice(0, actionAt[0]).join('\n').replace(THOUGHT_LABEL, '').trim() || (thinking?.[1]?.trim() ?? '');
  return { ok: true, value: { thought, action: action.value } };
}
