import type { Box } from './question.ts';

/**
 * Intervals and boxes as VCR-Bench writes them (`[s, e]`, `[x1, y1, x2, y2]`) and their overlap, as defined in
 * github zhishuifeiqian/VCR-Bench `eval_code/eval.py` @ 4e564b77ec3afff0d43da2b539fc288266766147
 * (`calculate_time_iou`, `calculate_space_iou`).
 */

const NUMBER = String.raw`\s*(-?\d+(?:\.\d+)?)\s*`;

function bracketed(count: number, anchored: boolean): RegExp {
  const list = String.raw`\[${Array.from({ length: count }, () => NUMBER).join(',')}\]`;
  return new RegExp(anchored ? String.raw`^\s*${list}\s*$` : list);
}

function numbers(text: string, count: number, anchored: boolean): number[] | undefined {
  const match = bracketed(count, anchored).exec(text);
  return match ? match.slice(1).map(Number) : undefined;
}

/** `[s, e]`: the whole text when `anchored` (a reference answer), else the first one in it (a reply). */
export function parseInterval(text: string, anchored = true): { start: number; end: number } | undefined {
  const found = numbers(text, 2, anchored);
  return found ? { start: found[0]!, end: found[1]! } : undefined;
}

/** `[x1, y1, x2, y2]`: the whole text when `anchored`, else the first one in it. */
export function parseBox(text: string, anchored = true): Box | undefined {
  const found = numbers(text, 4, anchored);
  return found ? [found[0]!, found[1]!, found[2]!, found[3]!] : undefined;
}

export function temporalIou(a: { start: number; end: number }, b: { start: number; end: number }): number {
  const intersection = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  const union = Math.max(a.end, b.end) - Math.min(a.start, b.start);
  return union > 0 ? intersection / union : 0;
}

export function boxIou(a: Box, b: Box): number {
  const width = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const height = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (width < 0 || height < 0) return 0;
  const intersection = width * height;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection;
  return union > 0 ? intersection / union : 0;
}
