import { stripThinking } from '../../sdk/index.ts';

/**
 * Which option of a multiple-choice question a model's reply chooses: the one parser behind r_acc and r_rea, the MC
 * probes of F2/F3, the reasoner's `answer(X)`, the converted CoT's `<answer>` and evaluation.
 *
 * It follows what graders of the field do, stricter where they guess:
 * - Video-R1 (tulerfeng/Video-R1, src/eval_bench.py `extract_answer`, commit 59d65c347e44efa71be27abf9d89b4a2bb7d1c05)
 *   reads the `<answer>…</answer>` tag and only falls back to the whole reply when there is none;
 * - lmms-eval (EvolvingLMMs-Lab/lmms-eval, lmms_eval/tasks/_task_utils/mcq_extract.py `extract_mcq_answer`, used by the
 *   video MCQ tasks' `extract_characters_regex`, commit 75571cfe0fa36ca5ec2e6aa2bb268f9d38295af3) ranks "answer is X"
 *   phrases and a letter opening the reply above `(X)`, `X.`, `X)` found elsewhere;
 * - VLMEvalKit (open-compass/VLMEvalKit, vlmeval/utils/matching_util.py `can_infer_option` / `can_infer_text`, commit
 *   e8e78f05f3080fe28154f2130321f17951c3be94) accepts a letter only when exactly one option letter stands alone in the
 *   reply, treats "Cannot determine the answer" as no answer, and otherwise matches the options' text, only when
 *   exactly one option's text occurs and the reply is at most twice as long as all options together.
 * Unlike their fallbacks (lmms-eval takes any capital letter it finds), a letter that can be an article or a pronoun
 * ("A cup…", "I think…") is never read as a choice, and a reply that names two answers is refused, not resolved.
 */

type ChoiceEvidence = 'tag' | 'statement' | 'bare' | 'option-text';

export type Choice =
  | { kind: 'choice'; letter: string; via: ChoiceEvidence }
  /** `reason` says, for a human, why no single offered option could be read. */
  | { kind: 'none'; reason: string };

/** The letters of a question's options, `A` for the first. */
export function optionLetters(optionCount: number): string[] {
  return Array.from({ length: optionCount }, (_, i) => String.fromCharCode(65 + i));
}

/**
 * The option `reply` chooses among `options` (their texts, optionally written `B. text`). With `tagRequired`, only an
 * `<answer>` tag counts (thinking mode, where the format is part of the task).
 */
export function parseChoice(reply: string, options: readonly string[], { tagRequired = false } = {}): Choice {
  const text = stripThinking(reply);
  if (!text) return none(reply.trim() ? 'the reply holds nothing but its <think> block' : 'the reply is empty');
  const offered = optionLetters(options.length);
  const tags = answerTags(text);
  if (tags.length) return fromTags(tags, offered, options);
  return tagRequired ? none('the reply has no <answer> tag') : fromProse(text, offered, options);
}

const none = (reason: string): Choice => ({ kind: 'none', reason });

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > 80 ? `${flat.slice(0, 77)}…` : flat}"`;
}

// An unclosed last tag runs to the end of the reply (a generation cut at max tokens, or a model forgetting to close).
const ANSWER_TAG = /<\s*answer\s*>([\s\S]*?)(?:<\s*\/\s*answer\s*>|$)/gi;

function answerTags(text: string): string[] {
  return [...text.matchAll(ANSWER_TAG)].map((m) => m[1]!.trim());
}

function fromTags(tags: readonly string[], offered: readonly string[], options: readonly string[]): Choice {
  const readings = tags.map((tag) => (tag ? fromProse(tag, offered, options) : none('it is empty')));
  const letters = [...new Set(readings.flatMap((r) => (r.kind === 'choice' ? [r.letter] : [])))];
  if (letters.length > 1) return none(`the <answer> tags name different options (${letters.join(', ')})`);
  if (letters.length === 1) return { kind: 'choice', letter: letters[0]!, via: 'tag' };
  const reasons = readings.flatMap((r) => (r.kind === 'none' ? [r.reason] : []));
  return none(`the <answer> tag ${quote(tags.at(-1)!)} names no option: ${reasons.at(-1)}`);
}

/** The reply's own words, markdown emphasis removed: statements, then a refusal, then bare letters, then option text. */
function fromProse(raw: string, offered: readonly string[], options: readonly string[]): Choice {
  const text = raw.replace(/\*\*|__|`/g, '');
  const stated = statedLetters(text);
  if (stated.length) return settle(stated, offered, 'statement');
  const refusal = REFUSAL.exec(text);
  if (refusal) return none(`the reply declines to choose ("${refusal[0]}")`);
  const bare = bareLetters(text, offered);
  if (bare.length) return settle(bare, offered, 'bare');
  return optionByText(text, options);
}

/** The one offered letter among those a stage found, or why there is none. */
function settle(found: readonly string[], offered: readonly string[], via: ChoiceEvidence): Choice {
  const letters = [...new Set(found)];
  if (letters.length > 1) return none(`the reply names several options as its answer (${letters.join(', ')})`);
  const letter = letters[0]!;
  if (!offered.includes(letter)) {
    return none(`the reply answers ${letter}, which is not an option (${offered[0]}–${offered.at(-1)})`);
  }
  return { kind: 'choice', letter, via };
}

// Words after which a capital A or I is still a letter ("A because…"); before any other lowercase word it is an
// article or a pronoun ("A cup…", "I think…").
const CONNECTIVES = new Set(['because', 'since', 'as', 'is', 'was', 'which', 'for', 'but', 'and', 'or']);
const OPTION_WORD = /[ \t]*(?:(?:option|choice)[ \t]*)?/iy;
// Latin letters and digits only: a letter touching Chinese text ("答案是B因为…") still stands alone.
const LETTER = /\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Za-z])(?![\p{Script=Latin}\p{N}'’-])/uy;
// A lowercase letter not in brackets counts only before punctuation or the end of its line ("answer: b.").
const AFTER_LOWERCASE = /^(?:[.):,;!?\]}。，）](?![\p{L}\p{N}])|[ \t]*(?:\r?\n|$))/u;

interface Token {
  letter: string;
  end: number;
}

/** The option letter written at `at` (after blanks and an optional "option"), if one is. */
function tokenAt(text: string, at: number, lowercaseBare: boolean): Token | undefined {
  OPTION_WORD.lastIndex = at;
  OPTION_WORD.exec(text);
  LETTER.lastIndex = OPTION_WORD.lastIndex;
  const match = LETTER.exec(text);
  if (!match) return undefined;
  const end = LETTER.lastIndex;
  const bracketed = match[1] ?? match[2];
  if (bracketed) return { letter: bracketed.toUpperCase(), end };
  const letter = match[3]!;
  const rest = text.slice(end);
  if (letter !== letter.toUpperCase()) return lowercaseBare && AFTER_LOWERCASE.test(rest) ? { letter: letter.toUpperCase(), end } : undefined;
  const nextWord = /^[ \t]+([\p{Ll}\p{N}][\p{L}\p{N}]*)/u.exec(rest)?.[1];
  if ((letter === 'A' || letter === 'I') && nextWord && !CONNECTIVES.has(nextWord)) return undefined;
  return { letter, end };
}

const LIST_JOIN = /[ \t]*(?:,|\/|&|\bor\b|\band\b)[ \t]*/iy;

/** The letter at `at` and any joined to it ("B", "A or C", "(A), (B)"); empty when no letter is there. */
function lettersAt(text: string, at: number): string[] {
  const letters: string[] = [];
  let token = tokenAt(text, at, true);
  while (token) {
    letters.push(token.letter);
    LIST_JOIN.lastIndex = token.end;
    if (!LIST_JOIN.exec(text)) break;
    token = tokenAt(text, LIST_JOIN.lastIndex, true);
  }
  return letters;
}

// Phrases after which the reply states its answer, unless they follow "if"/"whether" ("if the answer is A, …").
const STATEMENT_LEAD = new RegExp(
  String.raw`(?<!\b(?:if|whether|unless|suppose|assuming)[ \t]+(?:the[ \t]+)?)(?:` +
    [
      String.raw`\b(?:answer|(?:correct|right|best|final|my)[ \t]+(?:option|choice))` +
        String.raw`(?:[ \t]+(?:to|for)[ \t]+(?:this|the)[ \t]+question)?[ \t]*` +
        String.raw`(?:(?:is|would[ \t]+be|should[ \t]+be|must[ \t]+be|will[ \t]+be|=)` +
        String.raw`(?:[ \t]+(?:therefore|thus|clearly|likely|probably|most[ \t]+likely|definitely|indeed))?[ \t]*[:：]?|[:：])`,
      String.raw`\bi(?:'d|’d|[ \t]+would|[ \t]+will)?[ \t]+(?:choose|select|pick|go[ \t]+with)`,
      String.raw`(?:正确)?(?:答案|选项)(?:应该|应)?(?:是|为)?[ \t]*[:：]?|选择?`,
      String.raw`\\boxed\{(?:\\text\{)?`,
    ].join('|') +
    ')',
  'giu',
);
// A letter followed by a verdict: "B is correct", "(C) is the best answer".
const STATEMENT_TAIL = /(?:\(([A-Za-z])\)|\b([A-Z])\b)[ \t]+(?:is|seems|would[ \t]+be)[ \t]+(?:the[ \t]+)?(?:(?:most[ \t]+)?(?:correct|right|best|accurate)|answer)\b/g;

function statedLetters(text: string): string[] {
  const led = [...text.matchAll(STATEMENT_LEAD)].flatMap((m) => lettersAt(text, m.index + m[0].length));
  const tailed = [...text.matchAll(STATEMENT_TAIL)].map((m) => (m[1] ?? m[2])!.toUpperCase());
  return [...led, ...tailed];
}

const REFUSAL =
  /\b(?:cannot|can't|can’t|can not|unable to|impossible to|not possible to)[ \t]+(?:be[ \t]+)?(?:determined?|tell|answer|say|know|identify|infer|decide)\b|\bnone of (?:the )?(?:options|above|choices|answers)\b|\b(?:not enough|insufficient) (?:information|context|evidence)\b|\bi (?:don't|don’t|do not) know\b|无法(?:确定|判断|回答)/i;

/**
 * Letters standing on their own: alone on a line or opening one ("B", "(B) a red cup", "B. Because…"); failing
 * those, the offered letters that stand alone anywhere ("the red cup (C) is on the table").
 */
function bareLetters(text: string, offered: readonly string[]): string[] {
  const lines = text.split('\n').map((line) => line.replace(/^[ \t]*(?:[-*•>#]+[ \t]*)?/, ''));
  const opening = lines.flatMap((line) => lettersAt(line, 0));
  if (opening.length) return opening;
  return [...text.matchAll(/(?<![\p{Script=Latin}\p{N}'’])[([]?[A-Za-z]/gu)].flatMap((m) => {
    const token = tokenAt(text, m.index, false);
    return token && offered.includes(token.letter) ? [token.letter] : [];
  });
}

const words = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** An option as its text alone, without a leading `B.` / `(B)` it was written with. */
const optionText = (option: string) => words(option.replace(/^\s*[([]?[A-Z][.):\]]\s+/, ''));

function optionByText(text: string, options: readonly string[]): Choice {
  const reply = words(text);
  const texts = options.map(optionText);
  const unmatched = none('the reply names no option letter and restates no option’s text');
  if (reply.length > 2 * texts.reduce((sum, t) => sum + t.length, 0)) return unmatched;
  const within = texts.flatMap((t, i) => (t && ` ${reply} `.includes(` ${t} `) ? [i] : []));
  // "a red cup" restates "red cup" too; only the longest of nested matches counts.
  const restated = within.filter((i) => !within.some((j) => j !== i && texts[j]!.includes(texts[i]!)));
  const letters = restated.map((i) => optionLetters(options.length)[i]!);
  if (letters.length > 1) return none(`the reply restates the text of several options (${letters.join(', ')})`);
  return letters.length ? { kind: 'choice', letter: letters[0]!, via: 'option-text' } : unmatched;
}
