/**
 * One scripted "model" behind every provider profile of the ReWatch pipeline, served with
 * `startScriptedLlmServer({ respond: model.respond })`. Each role's profile names its own model (`roleProfiles`) and
 * `respond` answers as that model would, from what the request holds and nothing else: the captioner names the colour
 * of each still scene in the frames it is shown, the question writer asks about the caption lines it is given, the
 * probes guess only from what their prompt says, the reasoner acts on the observations it got back.
 *
 * It also inspects every request and records in `violations` what a node should never send: a captioner request
 * without frames or `[MM:SS]` labels, a probe that sees the caption, a reasoner shown C_detail, a prompt it cannot read.
 */
import { spawn } from 'node:child_process';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import { formatTimestamp, parseTimestamp } from '../../nodes/rewatch/timecode.ts';
import { profile } from './engine-fixture.ts';
import type { ScriptedChatRequest } from './scripted-llm-server.ts';

// ---- roles -------------------------------------------------------------------------------------------------------

/** The pipeline's provider profiles; each one's model carries the same name. */
export const MODEL_ROLES = [
  'segmenter-vlm',
  'captioner-vlm',
  'summary-llm',
  'qa-llm',
  'judge-llm',
  'probe-text',
  'probe-vlm',
  'reasoner-llm',
  'observer-llm',
  'convert-llm',
] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

export function roleProfiles(baseURL: string, overrides: Partial<ProviderProfile> = {}): ProviderProfile[] {
  return MODEL_ROLES.map((name) => profile(name, baseURL, { ...overrides, model: name }));
}

// ---- frames as a vision model sees them --------------------------------------------------------------------------

/** A content part of a chat message. */
export type Part = { type: string; text?: string; image_url?: { url: string }; video_url?: { url: string } };

/** The content parts of a request's (single) user message. */
export function userParts(request: ScriptedChatRequest): Part[] {
  const content = request.messages.find((m) => m.role === 'user')?.content;
  if (!Array.isArray(content)) throw new Error('expected a user message made of content parts');
  return content as Part[];
}

export interface SeenFrame {
  /** Seconds, read from the `[MM:SS]` text part before the image. */
  time: number;
  url: string;
}

const FRAME_LABEL = /^\[(\d{2,}:\d{2})\]$/;

/** The frames of a request in order; throws when an image is not a JPEG data URL after a `[MM:SS]` text part. */
export function seenFrames(parts: Part[]): SeenFrame[] {
  const frames: SeenFrame[] = [];
  parts.forEach((part, i) => {
    if (part.type !== 'image_url') return;
    const label = FRAME_LABEL.exec(parts[i - 1]?.text ?? '')?.[1];
    if (!label) throw new Error(`image ${frames.length} has no [MM:SS] text part before it`);
    if (!part.image_url!.url.startsWith('data:image/jpeg;base64,/9j/')) throw new Error(`image ${frames.length} is not a JPEG data URL`);
    frames.push({ time: parseTimestamp(label)!, url: part.image_url!.url });
  });
  return frames;
}

/** Where what is shown changes: the time of each frame that differs from the one before (still scenes encode identically). */
export function changeTimes(frames: readonly SeenFrame[]): number[] {
  return frames.filter((f, i) => i > 0 && f.url !== frames[i - 1]!.url).map((f) => f.time);
}

/** The text parts that are not frame labels: the prompt. */
export function promptText(parts: Part[]): string {
  return parts.filter((p) => p.type === 'text' && !FRAME_LABEL.test(p.text ?? '')).map((p) => p.text).join('\n');
}

export interface FrameRun {
  /** A still scene (identical frames) or a stretch of motion (frames that all differ). */
  still: boolean;
  first: SeenFrame;
  last: SeenFrame;
}

/** The scenes a viewer tells apart: runs of identical frames, and runs of frames that each differ from their neighbours. */
export function frameRuns(frames: readonly SeenFrame[]): FrameRun[] {
  const still = (i: number) => frames[i - 1]?.url === frames[i]!.url || frames[i + 1]?.url === frames[i]!.url;
  const runs: FrameRun[] = [];
  frames.forEach((frame, i) => {
    const run = runs.at(-1);
    if (run && run.still === still(i) && (!run.still || run.first.url === frame.url)) run.last = frame;
    else runs.push({ still: still(i), first: frame, last: frame });
  });
  return runs;
}

/** Colours the model can name, as ffmpeg's lavfi `color` source spells them (tests and benchmarks draw from these). */
export const PALETTE: Readonly<Record<string, readonly [number, number, number]>> = {
  red: [255, 0, 0],
  blue: [0, 0, 255],
  green: [0, 128, 0],
  yellow: [255, 255, 0],
  black: [0, 0, 0],
  white: [255, 255, 255],
  navy: [0, 0, 128],
  maroon: [128, 0, 0],
  cyan: [0, 255, 255],
  darkgreen: [0, 100, 0],
  pink: [255, 192, 203],
  orange: [255, 165, 0],
  purple: [128, 0, 128],
  gray: [128, 128, 128],
  teal: [0, 128, 128],
  olive: [128, 128, 0],
};
const COLOURS = Object.keys(PALETTE);

/** The mean colour of a JPEG, decoded by ffmpeg to one pixel. */
function meanColour(jpeg: Buffer): Promise<[number, number, number]> {
  return new Promise((resolve, reject) => {
    const args = ['-v', 'error', '-f', 'image2pipe', '-c:v', 'mjpeg', '-i', 'pipe:0'];
    const ffmpeg = spawn('ffmpeg', [...args, '-vf', 'scale=1:1:flags=area', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const out: Buffer[] = [];
    let stderr = '';
    ffmpeg.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    ffmpeg.on('error', reject);
    ffmpeg.on('close', (code) => {
      const pixel = Buffer.concat(out);
      if (code === 0 && pixel.length >= 3) resolve([pixel[0]!, pixel[1]!, pixel[2]!]);
      else reject(new Error(`ffmpeg could not decode a frame: ${stderr.trim()}`));
    });
    ffmpeg.stdin.end(jpeg);
  });
}

function nearestColour([r, g, b]: readonly number[]): string {
  const distance = (name: string) => {
    const [pr, pg, pb] = PALETTE[name]!;
    return (pr - r!) ** 2 + (pg - g!) ** 2 + (pb - b!) ** 2;
  };
  return COLOURS.reduce((best, name) => (distance(name) < distance(best) ? name : best));
}

/** What a vision model says a still frame shows; still scenes repeat the same bytes, so each is decoded once. */
const colourByUrl = new Map<string, Promise<string>>();
function colourOf(url: string): Promise<string> {
  let colour = colourByUrl.get(url);
  if (!colour) {
    const jpeg = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
    colour = meanColour(jpeg).then(nearestColour);
    colourByUrl.set(url, colour);
  }
  return colour;
}

/** A caption as a model writes it: one `[MM:SS-MM:SS]` line per scene, a still one named by its colour. */
export async function captionFrames(frames: readonly SeenFrame[]): Promise<string> {
  const lines = await Promise.all(
    frameRuns(frames).map(async (run) => {
      const what = run.still ? `the screen shows plain ${await colourOf(run.first.url)}` : 'a moving test pattern plays';
      return `[${formatTimestamp(run.first.time)}-${formatTimestamp(run.last.time)}] ${what}`;
    }),
  );
  return lines.join('\n');
}

// ---- reading text --------------------------------------------------------------------------------------------------

interface CaptionLine {
  start: number;
  end: number;
  /** `MM:SS-MM:SS` as written. */
  range: string;
  text: string;
}

const CAPTION_LINE = /^\[(\d+:\d{2})-(\d+:\d{2})\] (.+)$/;

function captionLines(text: string): CaptionLine[] {
  return text.split('\n').flatMap((line) => {
    const match = CAPTION_LINE.exec(line.trim());
    if (!match) return [];
    return [{ start: parseTimestamp(match[1]!)!, end: parseTimestamp(match[2]!)!, range: `${match[1]}-${match[2]}`, text: match[3]! }];
  });
}

const HAS_CAPTION_LINE = /^\s*\[\d+:\d{2}-\d+:\d{2}\] /m;

/** The text between `from` and `to` (or the end); empty when `from` is missing. */
function between(text: string, from: string, to?: string): string {
  const start = text.indexOf(from);
  if (start < 0) return '';
  const rest = text.slice(start + from.length);
  const end = to === undefined ? -1 : rest.indexOf(to);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

/** The value after `Label:` on its own line. */
function field(text: string, label: string): string {
  return new RegExp(`^${label}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
}

const ARTICLES = new Set(['a', 'an', 'the']);

/** Lower-case words and `MM:SS` times, without articles: what "the same meaning" is compared on. */
function words(text: string): string[] {
  return (text.toLowerCase().match(/\d+:\d{2}|[a-z0-9]+/g) ?? []).filter((w) => !ARTICLES.has(w));
}

/** Where the phrase first occurs in the text, word by word; -1 when it does not. */
function phraseAt(text: string, phrase: string): number {
  const hay = words(text);
  const needle = words(phrase);
  if (needle.length === 0) return -1;
  for (let i = 0; i + needle.length <= hay.length; i++) {
    if (needle.every((w, j) => hay[i + j] === w)) return i;
  }
  return -1;
}

const STOP_WORDS = new Set(['what', 'which', 'colour', 'color', 'does', 'that', 'this', 'from', 'with', 'screen', 'video', 'picture', 'plain', 'then', 'after', 'there', 'times']);

/** Words that carry the topic of a sentence. */
function topicWords(text: string): string[] {
  return words(text).filter((w) => w.length >= 4 && !/\d/.test(w) && !STOP_WORDS.has(w));
}

/** Whether two sentences share a topic word (`open` and `opens` count as one). */
function shareTopic(a: string, b: string): boolean {
  const theirs = topicWords(b);
  return topicWords(a).some((w) => theirs.some((v) => w.startsWith(v) || v.startsWith(w)));
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.?!])\s+/).map((s) => s.trim()).filter(Boolean);
}

const colourIn = (text: string) => words(text).find((w) => w in PALETTE);

/** The options of a rendered multiple-choice question (`A. text` lines), letter → text. */
function optionsOf(text: string): Array<{ letter: string; text: string }> {
  return [...between(text, 'Options:\n').matchAll(/^([A-Z])\. (.*)$/gm)].map((m) => ({ letter: m[1]!, text: m[2]! }));
}

/** The option an observation states: the one mentioned first in it. */
function optionStated(options: ReadonlyArray<{ letter: string; text: string }>, observation: string) {
  const found = options.map((o) => ({ option: o, at: phraseAt(observation, o.text) })).filter((o) => o.at >= 0);
  return found.sort((a, b) => a.at - b.at)[0]?.option;
}

/** Of an observation, what a `segment_query(MM:SS)` was about: its `From … to …, …` line holding that moment. */
function focusOf(action: string, observation: string): string {
  const at = /^segment_query\((\d+:\d{2})\)$/.exec(action)?.[1];
  if (!at) return observation;
  const moment = parseTimestamp(at)!;
  const line = observation.split('\n').find((l) => {
    const said = /^From (\d+:\d{2}) to (\d+:\d{2}), /.exec(l);
    return said !== null && parseTimestamp(said[1]!)! <= moment && moment <= parseTimestamp(said[2]!)!;
  });
  return line ?? observation;
}

/**
 * The answer an observation gives: the letter of the option it states (multiple choice), or for an open question
 * the time, the colour or the sight it reports.
 */
function answerFrom(question: string, options: ReadonlyArray<{ letter: string; text: string }>, observation: string): string | undefined {
  if (options.length) return optionStated(options, observation)?.letter;
  const said = /^From (\d+:\d{2}) to \d+:\d{2}, (.*)\.$/m.exec(observation);
  if (!said) return undefined;
  if (/^at what time/i.test(question)) return said[1];
  if (/\bcolou?r\b/i.test(question)) return colourIn(said[2]!);
  return said[2];
}

/** The first message, which every text-only role gets as plain text. */
function textOf(request: ScriptedChatRequest): string {
  const content = request.messages[0]?.content;
  if (typeof content !== 'string') throw new Error('the first message is not plain text');
  return content;
}

// ---- the model -----------------------------------------------------------------------------------------------------

export interface CaptionReply {
  /** From the prompt: part N of M, the clip's length. */
  part: number;
  parts: number;
  clipSeconds: number;
  reply: string;
}

export interface ScriptedModel {
  respond(request: ScriptedChatRequest): Promise<string>;
  /** What requests should never have held, as `role: problem`. */
  readonly violations: string[];
  /** Requests received, by model. */
  readonly calls: Map<string, number>;
  /** Every caption the captioner wrote, for checking how the node re-aligned it. */
  readonly captions: CaptionReply[];
  /** The questions the writer knows give their answer away without the video, and what gives it away. */
  readonly guessable: Map<string, 'question' | 'summary'>;
  /**
   * The questions whose open form keeps its answer but whose multiple-choice form gives it away: a "first" time whose
   * distractors the writer all puts later.
   */
  readonly guessableFromOptions: Set<string>;
}

/** Distractors for answers that are neither a colour nor a time. */
const OTHER_SIGHTS = ['a plain black screen with white text', 'a spinning logo', 'a countdown clock', 'scrolling credits', 'a person talking'];

export function createScriptedModel(): ScriptedModel {
  const violations: string[] = [];
  const calls = new Map<string, number>();
  const captions: CaptionReply[] = [];
  const guessable = new Map<string, 'question' | 'summary'>();
  const guessableFromOptions = new Set<string>();
  /** Summaries this model wrote: the only ones a question writer or an F3 probe should be shown. */
  const summaries = new Set<string>();

  const check = (role: string, ok: boolean, problem: string) => {
    if (!ok) violations.push(`${role}: ${problem}`);
  };

  function frames(role: string, request: ScriptedChatRequest): { frames: SeenFrame[]; prompt: string } {
    const parts = userParts(request);
    check(role, parts.some((p) => p.type === 'image_url'), 'a request without image parts');
    return { frames: seenFrames(parts), prompt: promptText(parts) };
  }

  function segmenter(request: ScriptedChatRequest): string {
    const seen = frames('segmenter-vlm', request);
    const count = Number(/into (\d+) parts/.exec(seen.prompt)?.[1]);
    const duration = Number(/\((\d+) seconds\)/.exec(seen.prompt)?.[1]);
    if (!(count > 1 && duration > 0)) throw new Error('the segmenter prompt gives no part count or duration');
    const changes = changeTimes(seen.frames);
    const boundaries: number[] = [];
    for (let i = 1; i < count; i++) {
      const aim = (i * duration) / count;
      const free = changes.filter((t) => !boundaries.includes(t));
      boundaries.push(free.length ? free.reduce((a, b) => (Math.abs(b - aim) < Math.abs(a - aim) ? b : a)) : Math.round(aim));
    }
    return JSON.stringify({ boundaries: boundaries.sort((a, b) => a - b) });
  }

  async function captioner(request: ScriptedChatRequest): Promise<string> {
    const seen = frames('captioner-vlm', request);
    const clip = /This is a (\d+:\d{2}) clip \(part (\d+) of (\d+)\)/.exec(seen.prompt);
    if (!clip) throw new Error('the captioner prompt gives no clip length and part');
    const clipSeconds = parseTimestamp(clip[1]!)!;
    check('captioner-vlm', seen.frames[0]?.time === 0, 'frame labels do not start at 00:00 of the clip');
    check('captioner-vlm', seen.frames.every((f) => f.time <= clipSeconds), `a frame label lies past the clip's ${clip[1]}`);
    const reply = await captionFrames(seen.frames);
    captions.push({ part: Number(clip[2]), parts: Number(clip[3]), clipSeconds, reply });
    return reply;
  }

  function summarizer(request: ScriptedChatRequest): string {
    const lines = captionLines(between(textOf(request), 'Detailed description:'));
    check('summary-llm', lines.length > 0, 'no caption lines to summarize');
    const first = lines[0];
    const colour = first && colourIn(first.text);
    const opening = colour ? `It opens on a plain ${colour} screen` : 'It opens with something in motion';
    const summary =
      lines.length > 1 ? `${opening}, then the picture changes ${lines.length > 3 ? 'several' : 'a few'} times.` : `${opening} and stays that way.`;
    summaries.add(summary);
    return summary;
  }

  function writeQuestions(prompt: string): string {
    const lines = captionLines(prompt);
    const summary = between(prompt, '\nSUMMARY:\n', '\n\nReply with JSON');
    check('qa-llm', lines.length > 0, 'no caption lines to write questions from');
    check('qa-llm', summaries.has(summary), `a summary the summarizer did not write: ${JSON.stringify(summary)}`);
    const count = Number(/Write (\d+) questions/.exec(prompt)?.[1] ?? 8);
    const duration = /the video is (\d+:\d{2}) long/.exec(prompt)?.[1] ?? '00:00';
    const stills = lines.flatMap((line) => {
      const colour = colourIn(line.text);
      return colour ? [{ line, colour }] : [];
    });
    const questions: Array<{ question: string; answer: string; type: string; evidence: string }> = [];
    // Answerable from the summary, which says how the video opens.
    if (stills[0] && stills[0].line === lines[0]) {
      const question = 'Which colour does the video open on?';
      guessable.set(question, 'summary');
      questions.push({ question, answer: stills[0].colour, type: 'object recognition', evidence: lines[0].range });
    }
    // Answerable from the question itself.
    if (stills[1]) {
      const { line, colour } = stills[1];
      const question = `After the cut at ${line.range.split('-')[0]} the screen turns ${colour}. Which colour does it turn?`;
      guessable.set(question, 'question');
      questions.push({ question, answer: colour, type: 'state change', evidence: line.range });
    }
    // Not in the description at all: F1 should catch it.
    questions.push({ question: 'What text appears on the screen?', answer: 'OPEN 24 HOURS', type: 'OCR', evidence: `00:00-${duration}` });
    const named = new Set<string>();
    for (const line of lines) {
      const [from, to] = line.range.split('-') as [string, string];
      const colour = colourIn(line.text);
      if (!colour) {
        questions.push({ question: `What appears on the screen from ${from} to ${to}?`, answer: 'a moving test pattern', type: 'event localization', evidence: line.range });
        continue;
      }
      questions.push({ question: `What colour is the screen from ${from} to ${to}?`, answer: colour, type: 'object recognition', evidence: line.range });
      if (!named.has(colour)) {
        const question = `At what time does the screen first turn ${colour}?`;
        guessableFromOptions.add(question);
        questions.push({ question, answer: from, type: 'temporal localization', evidence: line.range });
      }
      named.add(colour);
    }
    return JSON.stringify({ questions: questions.slice(0, count) });
  }

  /**
   * Wrong options of the answer's kind. Asked to replace some (the prompt then lists the options kept and those
   * rejected as also correct, as `- option` lines), it skips every option listed.
   */
  function writeDistractors(prompt: string): string {
    const answer = field(prompt, 'Correct answer');
    const count = Number(/Write (\d+) (?:new )?wrong options/.exec(prompt)?.[1] ?? 3);
    const listed = new Set([...prompt.matchAll(/^- (\d+:\d{2}|[^:\n]+)/gm)].map((m) => m[1]!));
    const seconds = parseTimestamp(answer);
    let candidates: string[];
    if (answer in PALETTE) {
      const at = COLOURS.indexOf(answer);
      candidates = Array.from({ length: COLOURS.length - 1 }, (_, k) => COLOURS[(at + 1 + k) % COLOURS.length]!);
    } else if (seconds !== undefined && answer.includes(':')) {
      candidates = Array.from({ length: count + listed.size }, (_, k) => formatTimestamp(seconds + 15 * (k + 1)));
    } else {
      candidates = OTHER_SIGHTS.filter((s) => phraseAt(s, answer) < 0);
    }
    return JSON.stringify({ distractors: candidates.filter((c) => !listed.has(c)).slice(0, count) });
  }

  function questionWriter(request: ScriptedChatRequest): string {
    const prompt = textOf(request);
    if (prompt.includes('{"questions"')) return writeQuestions(prompt);
    if (prompt.includes('{"distractors"')) return writeDistractors(prompt);
    throw new Error('qa-llm cannot tell what this prompt asks for');
  }

  /**
   * A probe without the video: it answers a colour question when what it was told names the colour on that topic
   * (as that colour's option letter when it is shown options), and a "first" question among time options with the
   * earliest.
   */
  function probe(role: 'probe-text' | 'probe-vlm', request: ScriptedChatRequest): string {
    const prompt = textOf(request);
    check(role, request.messages.length === 1, 'more than one message');
    check(role, !HAS_CAPTION_LINE.test(prompt), 'the prompt shows caption lines');
    const summary = between(prompt, 'Here is a short summary of a video:', '\n\nAnswer this');
    if (summary) check(role, summaries.has(summary), `a summary the summarizer did not write: ${JSON.stringify(summary)}`);
    else check(role, ![...summaries].some((s) => prompt.includes(s)), 'a text-only probe sees the summary');
    const question = field(prompt, 'Question');
    const asked = sentences(question).at(-1) ?? question;
    const options = optionsOf(prompt);
    if (/\bcolou?r\b/i.test(asked)) {
      const told = [...sentences(summary), ...sentences(question).slice(0, -1)];
      const hint = told.find((s) => colourIn(s) && shareTopic(s, asked));
      const hinted = hint && colourIn(hint);
      if (hinted && !options.length) return `It is probably ${hinted}.`;
      const option = hinted && options.find((o) => colourIn(o.text) === hinted);
      if (option) return `The answer is ${option.letter}.`;
    }
    // Asked when something first happens among times, it bets on the earliest one.
    const times = options.map((o) => ({ ...o, at: parseTimestamp(o.text) }));
    if (/\bfirst\b/i.test(asked) && times.length && times.every((t) => t.at !== undefined)) {
      return `The answer is ${times.reduce((a, b) => (b.at! < a.at! ? b : a)).letter}.`;
    }
    return 'I cannot tell without watching the video.';
  }

  function judge(request: ScriptedChatRequest): string {
    const prompt = textOf(request);
    if (prompt.includes('{"supported"')) {
      const evidence = evidenceLines(prompt, 'an answer check');
      const answer = field(prompt, 'Answer');
      const supported = evidence.some((l) => phraseAt(`${l.range} ${l.text}`, answer) >= 0);
      const reason = supported ? 'The evidence lines state the answer.' : 'No line in the evidence span states the answer.';
      return JSON.stringify({ supported, reason });
    }
    if (prompt.includes('{"correct"')) {
      const reference = field(prompt, 'Reference answer');
      const correct = phraseAt(field(prompt, 'Candidate answer'), reference) >= 0;
      return JSON.stringify({ correct, reason: correct ? 'The candidate states the reference answer.' : 'The candidate does not state it.' });
    }
    if (prompt.includes('{"checks"')) return checkDistractors(prompt);
    if (prompt.includes('{"score"')) return scoreObservation(prompt);
    if (prompt.startsWith('Answer the question using only the observations')) {
      const question = field(prompt, 'Question');
      const options = optionsOf(prompt);
      const pairs = [...prompt.matchAll(/\nAction (\d+): (.*)\nObservation \1: ([\s\S]*?)(?=\n\n|$)/g)];
      const answers = pairs.map((m) => answerFrom(question, options, focusOf(m[2]!, m[3]!))).filter(Boolean);
      return answers.at(-1) ?? 'I cannot tell from these observations.';
    }
    throw new Error('judge-llm cannot tell what this prompt asks for');
  }

  /** The caption lines of a judge prompt's description that overlap its `Evidence: MM:SS-MM:SS` span. */
  function evidenceLines(prompt: string, what: string): CaptionLine[] {
    const lines = captionLines(between(prompt, 'Description:', '\nQuestion:'));
    check('judge-llm', lines.length > 0, `${what} without the description`);
    const [from, to] = field(prompt, 'Evidence').split('-').map((t) => parseTimestamp(t) ?? NaN) as [number, number];
    return lines.filter((l) => l.start <= to && l.end >= from);
  }

  /** A distractor is a correct answer too when a line of the question's evidence span states it. */
  function checkDistractors(prompt: string): string {
    const evidence = evidenceLines(prompt, 'a distractor check');
    const options = [...between(prompt, 'Wrong options to check:', '\n\nReply with JSON').matchAll(/^\d+\. (.*)$/gm)].map((m) => m[1]!);
    const checks = options.map((option) => {
      const stating = evidence.find((l) => phraseAt(l.text, option) >= 0);
      return stating
        ? { alsoCorrect: true, reason: `The line [${stating.range}] states it.` }
        : { alsoCorrect: false, reason: 'No line in the evidence span states it.' };
    });
    return JSON.stringify({ checks });
  }

  /** r_obs: the share of what an observation states that the description's lines support. */
  function scoreObservation(prompt: string): string {
    const lines = captionLines(between(prompt, 'time range:', '\nAction:'));
    check('judge-llm', lines.length > 0, 'an observation check without the description');
    const action = field(prompt, 'Action');
    const observation = between(prompt, '\nObservation:', '\n\nScore how');
    let claims: boolean[];
    if (action.startsWith('segment_retrieval')) {
      claims = [...observation.matchAll(/\[(\d+:\d{2}-\d+:\d{2})\]/g)].map((m) => lines.some((l) => l.range === m[1]));
    } else {
      claims = observation.split('\n').map((sentence) => {
        const said = /^From (\d+:\d{2}) to (\d+:\d{2}), (.*)\.$/.exec(sentence);
        return Boolean(said && lines.some((l) => l.range === `${said[1]}-${said[2]}` && l.text === said[3]));
      });
    }
    const score = claims.length ? claims.filter(Boolean).length / claims.length : 1;
    return JSON.stringify({ score, note: `${claims.filter(Boolean).length} of ${claims.length} statements match the description` });
  }

  /** A_R: retrieve the moment the question is about, look at it (`segment_query(MM:SS)`, the paper's form), answer from what is shown there. */
  function reasoner(request: ScriptedChatRequest): string {
    const prompt = textOf(request);
    check('reasoner-llm', !HAS_CAPTION_LINE.test(prompt), 'the reasoner is shown the caption');
    const question = field(prompt, 'Question');
    const options = optionsOf(prompt);
    const turn = request.messages.filter((m) => m.role === 'assistant').length;
    const observation = String(request.messages.at(-1)?.content ?? '').replace(/^Observation: /, '');
    if (turn === 0) {
      const span = /from (\d+:\d{2}) to (\d+:\d{2})/.exec(question);
      const colour = colourIn(question);
      const query = span ? `what happens from ${span[1]} to ${span[2]}` : colour ? `the screen turning ${colour}` : question.replace(/\?$/, '');
      return `Thought: I need to find the part of the video the question is about.\nAction: segment_retrieval(${query})`;
    }
    const range = /\[(\d+:\d{2})-(\d+:\d{2})\]/.exec(observation);
    if (turn === 1 && range) {
      const middle = formatTimestamp((parseTimestamp(range[1]!)! + parseTimestamp(range[2]!)!) / 2);
      return `Thought: The matching event is at ${range[0]}; I will watch its middle closely.\nAction: segment_query(${middle})`;
    }
    const lastAction = field(String(request.messages.filter((m) => m.role === 'assistant').at(-1)?.content ?? ''), 'Action');
    const answer = answerFrom(question, options, focusOf(lastAction, observation));
    if (answer) return `Thought: The observation settles it.\nAction: answer(${answer})`;
    return `Thought: Nothing I saw settles it, so I guess.\nAction: answer(${options[0]?.letter ?? 'I cannot tell'})`;
  }

  /** A_O: reads the caption lines it is given. */
  function observer(request: ScriptedChatRequest): string {
    const prompt = textOf(request);
    if (prompt.includes('Find every event that matches this request:')) {
      const lines = captionLines(prompt);
      check('observer-llm', lines.length > 0, 'a retrieval request without the description');
      const query = field(prompt, 'Find every event that matches this request');
      const span = /(\d+:\d{2})\s*(?:to|-)\s*(\d+:\d{2})/.exec(query);
      const colour = colourIn(query);
      const matching = lines.filter((l) => {
        if (span) return l.start <= parseTimestamp(span[2]!)! && l.end >= parseTimestamp(span[1]!)!;
        if (colour) return colourIn(l.text) === colour;
        return shareTopic(l.text, query);
      });
      return matching.length ? matching.map((l) => `[${l.range}]`).join('\n') : 'NONE';
    }
    if (prompt.includes('Describe in detail what happens from')) {
      const lines = captionLines(between(prompt, 'cover', 'Describe in detail'));
      const range = /cover (\d+:\d{2})-(\d+:\d{2}):/.exec(prompt);
      check('observer-llm', lines.length > 0 && range !== null, 'a segment query without its range or caption lines');
      const [from, to] = range ? [parseTimestamp(range[1]!)!, parseTimestamp(range[2]!)!] : [NaN, NaN];
      const outside = lines.filter((l) => !(l.start <= to && l.end >= from));
      check('observer-llm', outside.length === 0, `caption lines outside the queried range: ${outside.map((l) => l.range).join(', ')}`);
      return lines.map((l) => `From ${l.range.replace('-', ' to ')}, ${l.text}.`).join('\n');
    }
    throw new Error('observer-llm cannot tell what this prompt asks for');
  }

  /** M_convert: the trajectory retold in the first person, keeping every action, observation and the answer. */
  function converter(request: ScriptedChatRequest): string {
    const prompt = textOf(request);
    const question = between(prompt, 'Question:', '\n').trim();
    const steps = between(prompt, 'Trajectory:\n', '\n\nRules:').split(/\n\n(?=Step \d+\n)/);
    const finalAnswer = /Finish with <answer>(.*?)<\/answer>/.exec(prompt)?.[1];
    check('convert-llm', steps.length > 0 && finalAnswer !== undefined, 'a conversion request without steps or final answer');
    const told = steps.map((step) => {
      const thought = field(step, 'Thought');
      const action = field(step, 'Action');
      if (!action) return thought;
      return `${thought}\n<action>${action}</action>\n<observation>${between(step, '\nObservation:')}</observation>`;
    });
    return `To answer "${question}", I re-watch the video.\n${told.join('\n')}\nSo the answer is ${finalAnswer}.\n<answer>${finalAnswer}</answer>`;
  }

  const roles: Record<ModelRole, (request: ScriptedChatRequest) => string | Promise<string>> = {
    'segmenter-vlm': segmenter,
    'captioner-vlm': captioner,
    'summary-llm': summarizer,
    'qa-llm': questionWriter,
    'judge-llm': judge,
    'probe-text': (request) => probe('probe-text', request),
    'probe-vlm': (request) => probe('probe-vlm', request),
    'reasoner-llm': reasoner,
    'observer-llm': observer,
    'convert-llm': converter,
  };

  return {
    violations,
    calls,
    captions,
    guessable,
    guessableFromOptions,
    async respond(request) {
      calls.set(request.model, (calls.get(request.model) ?? 0) + 1);
      const role = roles[request.model as ModelRole];
      try {
        if (!role) throw new Error(`no model called "${request.model}"`);
        return await role(request);
      } catch (error) {
        violations.push(`${request.model}: ${(error as Error).message}`);
        throw error;
      }
    },
  };
}
