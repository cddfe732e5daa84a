import { formatTimestamp, parseTimestamp } from '../timecode.ts';
import type { CaptionEvent } from '../types.ts';

/** A time range of the whole video in seconds; a single timestamp is a range with `start === end`. */
export interface TimeRange {
  start: number;
  end: number;
}

/** `MM:SS-MM:SS` (the form actions and observations use). */
export function formatTimeRange(range: TimeRange): string {
  return `${formatTimestamp(range.start)}-${formatTimestamp(range.end)}`;
}

const SEPARATOR = String.raw`\s*(?:-|–|—|~|to)\s*`;

/**
 * A whole argument such as `01:10-01:25`, `[1:10 - 1:25]` or a single `01:10`; undefined when it is not one or
 * when it ends before it starts.
 */
export function parseTimeRange(text: string): TimeRange | undefined {
  const inner = text.trim().replace(/^\[(.*)\]$/s, '$1');
  const parts = inner.split(new RegExp(SEPARATOR));
  if (parts.length > 2) return undefined;
  const start = parseTimestamp(parts[0] ?? '');
  const end = parts.length === 2 ? parseTimestamp(parts[1]!) : start;
  if (start === undefined || end === undefined || end < start) return undefined;
  return { start, end };
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

/**
 * The caption events a range covers: those sharing some time with it (touching at an edge is not enough), or,
 * for a single timestamp, those containing it.
 */
export function eventsInRange<E extends Pick<CaptionEvent, 'start' | 'end'>>(events: readonly E[], range: TimeRange): E[] {
  return events.filter((event) =>
    range.start === range.end
      ? event.start <= range.start && range.start <= event.end
      : event.start < range.end && event.end > range.start,
  );
}
