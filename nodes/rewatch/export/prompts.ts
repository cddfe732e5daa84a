/** Instructions that toggle the trained model's modes (the paper's I_direct and I_think), and the user turn they end. */

export const DEFAULT_CAPTION_INSTRUCTION =
  'Describe the video in detail as timestamped events, one per line, each written as [MM:SS-MM:SS] description.';

export const DEFAULT_DIRECT_INSTRUCTION = "Answer with the option's letter only.";

export const DEFAULT_OPEN_INSTRUCTION = 'Answer with a short phrase only.';

export const DEFAULT_THINKING_INSTRUCTION =
  'Think step by step, re-watching the video with <action>/<observation> steps, then give <answer>.';

/** The trainers' placeholders: each one in a text must match one entry of the row's `videos` (or `images`). */
const MEDIA_TAG = /<(video|image)>/g;

/** The words of a user turn: the text, then the instruction on its own line. */
export function promptText(text: string, instruction: string): string {
  return [text, instruction].filter((part) => part.trim()).join('\n');
}

/** A user turn about one video: the `<video>` placeholder, then its words. */
export function videoPrompt(text: string, instruction: string): string {
  return `<video>${promptText(text, instruction)}`;
}

/** Why a row's texts would not line up with its single video: a stray placeholder in a question, answer or caption. */
export function mediaTagProblem(texts: readonly string[]): string | undefined {
  const tags = texts.flatMap((text) => [...text.matchAll(MEDIA_TAG)].map((m) => m[0]));
  const videos = tags.filter((tag) => tag === '<video>').length;
  if (videos === 1 && tags.length === 1) return undefined;
  return `its texts hold ${tags.length ? tags.join(' ') : 'no media tag'} for one video`;
}
