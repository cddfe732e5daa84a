import type { JsonValue } from '../../nodes/sdk/data-types.ts';
import { stripThinking } from '../../nodes/sdk/thinking.ts';

export { stripThinking };

export type JsonExtraction = { ok: true; value: JsonValue } | { ok: false; reason: string };

const FENCE = /```[ \t]*([A-Za-z0-9_-]*)[ \t]*\r?\n?([\s\S]*?)```/g;

function tryParse(text: string): JsonExtraction {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** End index (exclusive) of the JSON value opening at `start`, or -1 when brackets are unbalanced or unclosed. */
function balancedEnd(text: string, start: number): number {
  const closers: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') closers.push('}');
    else if (ch === '[') closers.push(']');
    else if (ch === '}' || ch === ']') {
      if (closers.pop() !== ch) return -1;
      if (closers.length === 0) return i + 1;
    }
  }
  return -1;
}

/** The first balanced `{…}` or `[…]` in prose that parses as JSON. */
function firstEmbeddedJson(text: string): JsonExtraction {
  let firstFailure: string | undefined;
  for (let start = text.search(/[{[]/); start >= 0; ) {
    const end = balancedEnd(text, start);
    if (end < 0) {
      firstFailure ??= `the JSON starting at character ${start} is not closed (reply truncated?)`;
    } else {
      const parsed = tryParse(text.slice(start, end));
      if (parsed.ok) return parsed;
      firstFailure ??= `invalid JSON: ${parsed.reason}`;
    }
    const next = text.slice(start + 1).search(/[{[]/);
    start = next < 0 ? -1 : start + 1 + next;
  }
  return { ok: false, reason: firstFailure ?? 'the reply contains no JSON object or array' };
}

/**
 * Finds the JSON in a model reply: the whole reply, else a ```json fenced block, else the first balanced
 * object/array in surrounding prose. Thinking preambles are ignored.
 */
export function extractJson(text: string): JsonExtraction {
  const reply = stripThinking(text);
  if (!reply) return { ok: false, reason: 'the reply is empty' };
  const whole = tryParse(reply);
  if (whole.ok) return whole;
  for (const [, lang, body = ''] of reply.matchAll(FENCE)) {
    if (lang && !/^json/i.test(lang)) continue;
    const fenced = tryParse(body.trim());
    if (fenced.ok) return fenced;
    const embedded = firstEmbeddedJson(body);
    if (embedded.ok) return embedded;
  }
  return firstEmbeddedJson(reply);
}
