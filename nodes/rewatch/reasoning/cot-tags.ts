import { parseChoice } from '../answers/choice.ts';
import { actionKey } from './actions.ts';

/**
 * The tag structure of a re-watching chain of thought: `<action>…</action>` each followed by its
 * `<observation>…</observation>`, reasoning in between, and one `<answer>…</answer>` at the end. The converter
 * validates synthesized CoTs with it and the O&R reward parses model responses with it.
 */

export interface ActionObservation {
  action: string;
  observation: string;
}

interface TaggedResponse {
  pairs: ActionObservation[];
  /** The content of the last `<answer>` block, if any. */
  answer: string | undefined;
  /** Everything that keeps the tags from being well-formed; empty when they are. */
  problems: string[];
}

type TagName = 'action' | 'observation' | 'answer';
interface Block {
  name: TagName;
  content: string;
}

const TAG = /<(\/?)(action|observation|answer)>/g;

/** The closed blocks in order, with the problems of balance and nesting. */
function readBlocks(text: string): { blocks: Block[]; problems: string[]; lastCloseEnd: number } {
  const blocks: Block[] = [];
  const problems: string[] = [];
  let open: { name: TagName; contentStart: number } | undefined;
  let lastCloseEnd = 0;
  for (const match of text.matchAll(TAG)) {
    const closing = match[1] === '/';
    const name = match[2] as TagName;
    if (!closing) {
      if (open) problems.push(`<${name}> opens inside <${open.name}>`);
      else open = { name, contentStart: match.index + match[0].length };
    } else if (!open) {
      problems.push(`</${name}> has no opening tag`);
    } else if (open.name !== name) {
      problems.push(`</${name}> closes <${open.name}>`);
      open = undefined;
    } else {
      blocks.push({ name, content: text.slice(open.contentStart, match.index).trim() });
      open = undefined;
      lastCloseEnd = match.index + match[0].length;
    }
  }
  if (open) problems.push(`<${open.name}> is never closed`);
  return { blocks, problems, lastCloseEnd };
}

export function parseTaggedResponse(text: string): TaggedResponse {
  const { blocks, problems, lastCloseEnd } = readBlocks(text);
  const pairs: ActionObservation[] = [];
  const answers: string[] = [];
  let pendingAction: string | undefined;
  for (const block of blocks) {
    if (!block.content) problems.push(`an empty <${block.name}>`);
    if (block.name !== 'answer' && answers.length > 0) problems.push(`<${block.name}> after <answer>`);
    if (block.name === 'action') {
      if (pendingAction !== undefined) problems.push(`<action>${pendingAction}</action> has no <observation>`);
      pendingAction = block.content;
    } else if (block.name === 'observation') {
      if (pendingAction === undefined) problems.push('an <observation> without an <action> before it');
      else pairs.push({ action: pendingAction, observation: block.content });
      pendingAction = undefined;
    } else {
      answers.push(block.content);
    }
  }
  if (pendingAction !== undefined) problems.push(`<action>${pendingAction}</action> has no <observation>`);
  if (answers.length === 0) problems.push('no <answer>');
  if (answers.length > 1) problems.push(`${answers.length} <answer> blocks instead of one`);
  if (blocks.at(-1)?.name === 'answer' && text.slice(lastCloseEnd).trim() !== '') problems.push('text after </answer>');
  return { pairs, answer: answers.at(-1), problems };
}

interface CotExpectation {
  /** The evidence actions of the trajectory in order, as `name(argument)`. */
  actions: readonly string[];
  finalAnswer: string;
  /** The question's options when it is multiple choice: answers are then compared by the option they choose. */
  options?: readonly string[];
}

/** Why the CoT's answer is not the trajectory's, or undefined when it is. */
function answerMismatch(given: string, { finalAnswer, options }: CotExpectation): string | undefined {
  const differs = `the answer is "${given}", the trajectory's is "${finalAnswer}"`;
  if (!options?.length) {
    // Open answers are free text: a converter may quote them or end them with a full stop.
    const normal = (s: string) =>
      s
        .trim()
        .replace(/^["'“‘]+|["'”’.!]+$/g, '')
        .trim()
        .replace(/\s+/g, ' ')
        .toLowerCase();
    return normal(given) === normal(finalAnswer) ? undefined : differs;
  }
  const chosen = parseChoice(given, options);
  if (chosen.kind === 'none') return `${differs} (${chosen.reason})`;
  const expected = parseChoice(finalAnswer, options);
  return expected.kind === 'choice' && expected.letter === chosen.letter ? undefined : differs;
}

/** Why a CoT does not faithfully carry its trajectory: tag problems, a changed action list, a different answer. */
export function cotProblems(text: string, expected: CotExpectation): string[] {
  const parsed = parseTaggedResponse(text);
  const problems = [...parsed.problems];
  if (parsed.pairs.length !== expected.actions.length) {
    problems.push(`${parsed.pairs.length} action/observation pairs, the trajectory has ${expected.actions.length}`);
  }
  parsed.pairs.forEach((pair, i) => {
    const wanted = expected.actions[i];
    if (wanted !== undefined && actionKey(pair.action) !== actionKey(wanted)) {
      problems.push(`action ${i + 1} is "${pair.action}", the trajectory's is "${wanted}"`);
    }
  });
  const mismatch = parsed.answer === undefined ? undefined : answerMismatch(parsed.answer, expected);
  if (mismatch) problems.push(mismatch);
  return problems;
}
