import { createHash } from 'node:crypto';

/** A short, stable id made of what identifies an item (e.g. video id + question text). */
export function stableId(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}
