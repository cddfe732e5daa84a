import { formatTimestamp, parseTimestamp } from '../timecode.ts';
import type { CaptionEvent } from '../types.ts';

/** A time range of the whole video in seconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/**
 * What a `segment_query` looks at: one moment, as the paper's `segment_query(timestamp)` does, or a time range.
 */
export type SegmentTarget = { kind: 'moment'; at: number } | { kind: 'range'; range: TimeRange };

/** `MM:SS-MM:SS` (the form actions and observations use). */
export function formatTimeRange(range: TimeRange): string {
  return `${formatTimestamp(range.start)}-${formatTimestamp(range.end)}`;
}

/** `MM:SS` for a moment, `MM:SS-MM:SS` for a range: the canonical argument of a `segment_query`. */
export function formatSegmentTarget(target: SegmentTarget): string {
  return target.kind === 'moment' ? formatTimestamp(target.at) : formatTimeRange(target.range);
}

const SEPARATOR = String.raw`\s*(?:-|–|—|~|to)\s*`;
const SECONDS_UNIT = /\s*s(?:ec(?:ond)?s?)?$/i;

const withoutBrackets = (text: string) => text.trim().replace(/^\[(.*)\]$/s, '$1').trim();

/** One moment: `MM:SS`, `HH:MM:SS`, seconds (`75`, `75.5`, `75s`), optionally in brackets. */
function parseMoment(text: string): number | undefined {
  return parseTimestamp(withoutBrackets(text).replace(SECONDS_UNIT, ''));
}

/** The range from one moment to another; undefined when either is not a moment or it ends before it starts. */
export function rangeBetween(startText: string, endText: string): TimeRange | undefined {
  const start = parseMoment(startText);
  const end = parseMoment(endText);
  if (start === undefined || end === undefined || end < start) return undefined;
  return { start, end };
}

/** A whole argument such as `01:10-01:25` or `[1:10 - 1:25]`; undefined when it is not one or ends before it starts. */
export function parseTimeRange(text: string): TimeRange | undefined {
  const parts = withoutBrackets(text).split(new RegExp(SEPARATOR));
  return parts.length === 2 ? rangeBetween(parts[0]!, parts[1]!) : undefined;
}

/** A moment or a range, as a `segment_query` argument gives it. */
export function parseSegmentTarget(text: string): SegmentTarget | undefined {
  const at = parseMoment(text);
  if (at !== undefined) return { kind: 'moment', at };
  const range = parseTimeRange(text);
  return range && { kind: 'range', range };
}

// In free text a time needs a colon, so counts such as "3-5 people" are not read as ranges.
const CLOCK = String.raw`\d{1,3}(?::\d{1,2}){1,2}(?:\.\d+)?`;
const RANGE_IN_TEXT = new RegExp(String.raw`(${CLOCK})${SEPARATOR}(${CLOCK})`, 'g');

/** Every `MM:SS-MM:SS` range written in a text, as written (unchecked: a reversed range comes back reversed). */
export function findTimeRanges(text: string): TimeRange[] {
  const ranges: TimeRange[] = [];
  for (const match of text.matchAll(RANGE_IN_TEXT)) {
    const start = parseTimestamp(match[1]!);
    const end = parseTimestamp(match[2]!);
    if (start !== undefined && end !== undefined) ranges.push({ start, end });
  }
  return ranges;
}

type Timed = Pick<CaptionEvent, 'start' | 'end'>;

/**
 * The caption events a range covers: those sharing some time with it (touching at an edge is not enough), or,
 * for a range of a single instant, those containing it.
 */
export function eventsInRange<E extends Timed>(events: readonly E[], range: TimeRange): E[] {
  return events.filter((event) =>
    range.start === range.end
      ? event.start <= range.start && range.start <= event.end
      : event.start < range.end && event.end > range.start,
  );
}

/**
 * The caption events around a moment: those containing it, with the event before and the event after them (in
 * caption order) as context. A moment in a gap between events gets the event on each side of the gap.
 */
export function eventsAround<E extends Timed>(events: readonly E[], at: number): E[] {
  const containing = events.flatMap((event, i) => (event.start <= at && at <= event.end ? [i] : []));
  let before: number;
  let after: number;
  if (containing.length > 0) {
    before = containing[0]! - 1;
    after = containing.at(-1)! + 1;
  } else {
    before = events.findLastIndex((event) => event.end < at);
    after = events.findIndex((event) => event.start > at);
    if (after === -1) after = before;
  }
  return events.slice(Math.max(0, before), after + 1);
}

/** The time from the first event's start to the last one's end. */
export function spanOf(events: readonly Timed[]): TimeRange {
  return { start: Math.min(...events.map((e) => e.start)), end: Math.max(...events.map((e) => e.end)) };
}
