import type { CaptionEvent } from './types.ts';

/** `MM:SS` (minutes go past 59 for long videos, as in the paper's captions); fractions are rounded down. */
export function formatTimestamp(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds + 1e-6));
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

/** Reads `SS`, `MM:SS`, `HH:MM:SS`, with optional fractions (`01:02.5`). */
export function parseTimestamp(text: string): number | undefined {
  const match = /^\s*(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return undefined;
  const [, a, b, s] = match;
  const parts = [a, b].filter((p): p is string => p !== undefined).map(Number);
  const [hours, minutes] = parts.length === 2 ? parts : [0, parts[0] ?? 0];
  const secs = Number(s);
  if (parts.length && secs >= 60) return undefined;
  return (hours ?? 0) * 3600 + (minutes ?? 0) * 60 + secs;
}

const TIME = String.raw`\d{1,3}(?::\d{1,2}){0,2}(?:\.\d+)?`;
const RANGE = String.raw`(${TIME})\s*(?:-|–|—|~|to)\s*(${TIME})`;
/** `[MM:SS-MM:SS] text`, `(MM:SS - MM:SS): text`, `MM:SS-MM:SS text`, optionally after a list marker. */
const CAPTION_LINE = new RegExp(String.raw`^\s*(?:[-*•]|\d+[.)])?\s*[\[(]?\s*${RANGE}\s*[\])]?\s*[:.\-–—]?\s*(.*\S)\s*$`);

interface ParsedCaption {
  events: Array<{ start: number; end: number; text: string }>;
  /** Non-empty lines that are not caption events. */
  unparsed: string[];
}

/** Reads a captioner's reply line by line; markdown fences and prose lines are reported, not guessed at. */
export function parseCaptionLines(reply: string): ParsedCaption {
  const events: ParsedCaption['events'] = [];
  const unparsed: string[] = [];
  for (const raw of reply.split(/\r?\n/)) {
    const line = raw.replace(/\*\*/g, '').trim();
    if (line === '' || line.startsWith('```')) continue;
    const match = CAPTION_LINE.exec(line);
    const start = match && parseTimestamp(match[1]!);
    const end = match && parseTimestamp(match[2]!);
    if (match && start !== undefined && start !== null && end !== undefined && end !== null) {
      events.push({ start, end, text: match[3]! });
    } else {
      unparsed.push(line);
    }
  }
  return { events, unparsed };
}

/** C_detail as text: one `[MM:SS-MM:SS] text` line per event. */
export function renderCaption(events: ReadonlyArray<Pick<CaptionEvent, 'start' | 'end' | 'text'>>): string {
  return events.map((e) => `[${formatTimestamp(e.start)}-${formatTimestamp(e.end)}] ${e.text}`).join('\n');
}

/**
 * Global times `t = segment start + τ` for one segment's events, flagging what does not fit instead of fixing it:
 * an event past the segment's end (beyond `toleranceSec`), one that starts before the previous event, or one that
 * ends before it starts.
 */
export function realignEvents(
  events: ReadonlyArray<{ start: number; end: number; text: string }>,
  segment: { start: number; end: number },
  toleranceSec = 1,
): CaptionEvent[] {
  const length = segment.end - segment.start;
  let previousStart = -Infinity;
  return events.map((event) => {
    const flags: CaptionEvent['flags'] = [];
    if (event.end < event.start) flags.push('reversed');
    if (event.start > length + toleranceSec || event.end > length + toleranceSec) flags.push('out-of-range');
    if (event.start < previousStart) flags.push('non-monotonic');
    previousStart = Math.max(previousStart, event.start);
    return { start: segment.start + event.start, end: segment.start + event.end, text: event.text, flags };
  });
}
