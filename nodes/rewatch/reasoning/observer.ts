import { renderTemplate, type LlmGateway } from '../../sdk/index.ts';
import { formatTimestamp, renderCaption } from '../timecode.ts';
import type { DenseCaption } from '../types.ts';
import type { Action } from './actions.ts';
import {
  eventsAround,
  eventsInRange,
  findTimeRanges,
  formatTimeRange,
  parseSegmentTarget,
  spanOf,
  type SegmentTarget,
  type TimeRange,
} from './time-ranges.ts';

/** A_O: carries out the reasoner's actions on the dense caption (C_detail) and returns the observation. */

export const DEFAULT_RETRIEVAL_PROMPT = `You help someone re-watch a video. Below is the video's detailed description, one event per line with its time range.

{{caption}}

Find every event that matches this request: {{query}}

Reply with the time ranges of the matching events exactly as they appear in the description, one per line as [MM:SS-MM:SS], and nothing else.
If no event matches, reply NONE.`;

export const DEFAULT_SEGMENT_PROMPT = `You help someone re-watch a video. These lines of the video's detailed description cover {{range}}:

{{lines}}

Describe in detail what happens from {{start}} to {{end}}: people, objects, actions, text on screen, positions, changes and their times.
Use only what these lines say; do not add anything.`;

export interface ObserverSettings {
  profile: string;
  retrievalPrompt: string;
  segmentPrompt: string;
  temperature: number;
}

/** How far past the caption's end a returned range may reach before it is not a time of this video. */
const END_TOLERANCE_SEC = 1;

function observerError(message: string, raw: string): Error {
  return Object.assign(new Error(message), { raw });
}

/** The video's length as far as its caption knows it (a caption may run slightly past a probed duration). */
function captionEnd(caption: DenseCaption): number {
  return Math.max(caption.duration, ...caption.events.map((e) => e.end));
}

/**
 * Keeps the ranges that are times of this video (ordered, within its length), clipped to its end, sorted and
 * without duplicates.
 */
function realRanges(ranges: readonly TimeRange[], videoEnd: number): TimeRange[] {
  const byText = new Map<string, TimeRange>();
  for (const range of ranges) {
    if (range.end < range.start || range.start > videoEnd || range.end > videoEnd + END_TOLERANCE_SEC) continue;
    const clipped = { start: range.start, end: Math.min(range.end, videoEnd) };
    byText.set(formatTimeRange(clipped), clipped);
  }
  return [...byText.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

async function retrieveSegments(llm: LlmGateway, caption: DenseCaption, query: string, s: ObserverSettings): Promise<string> {
  const reply = await llm.complete({
    profile: s.profile,
    temperature: s.temperature,
    messages: [{ role: 'user', content: renderTemplate(s.retrievalPrompt, { caption: caption.text, query }) }],
  });
  const found = findTimeRanges(reply.text);
  if (found.length === 0) {
    if (/\bnone\b/i.test(reply.text)) return 'No matching events.';
    throw observerError(`observer: the segment_retrieval reply holds no time range and is not NONE`, reply.raw);
  }
  const ranges = realRanges(found, captionEnd(caption));
  if (ranges.length === 0) {
    throw observerError(`observer: none of the ranges in the segment_retrieval reply is a time of this video`, reply.raw);
  }
  return `Matching events: ${ranges.map((r) => `[${formatTimeRange(r)}]`).join(', ')}`;
}

/** The caption lines a segment query reads, and the time they are described over. */
function linesFor(caption: DenseCaption, target: SegmentTarget): { events: DenseCaption['events']; range: TimeRange } {
  if (target.kind === 'range') return { events: eventsInRange(caption.events, target.range), range: target.range };
  const events = target.at > captionEnd(caption) + END_TOLERANCE_SEC ? [] : eventsAround(caption.events, target.at);
  return { events, range: events.length ? spanOf(events) : { start: target.at, end: target.at } };
}

async function querySegment(llm: LlmGateway, caption: DenseCaption, target: SegmentTarget, s: ObserverSettings): Promise<string> {
  const { events, range } = linesFor(caption, target);
  const start = formatTimestamp(range.start);
  const end = formatTimestamp(range.end);
  if (events.length === 0) {
    return target.kind === 'moment' ? `Nothing is described at ${start}.` : `Nothing is described from ${start} to ${end}.`;
  }
  const reply = await llm.complete({
    profile: s.profile,
    temperature: s.temperature,
    messages: [
      {
        role: 'user',
        content: renderTemplate(s.segmentPrompt, { range: formatTimeRange(range), start, end, lines: renderCaption(events) }),
      },
    ],
  });
  const observation = reply.text.trim();
  if (!observation) throw observerError('observer: the segment_query reply is empty', reply.raw);
  return observation;
}

/** The observation for a segment_retrieval or segment_query action (already in canonical form). */
export async function observe(llm: LlmGateway, caption: DenseCaption, action: Action, settings: ObserverSettings): Promise<string> {
  switch (action.name) {
    case 'segment_retrieval':
      return retrieveSegments(llm, caption, action.argument, settings);
    case 'segment_query':
      return querySegment(llm, caption, parseSegmentTarget(action.argument)!, settings);
    case 'answer':
      throw new Error('answer is not an observer action');
  }
}
