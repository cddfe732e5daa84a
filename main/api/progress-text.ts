/**
 * A node's item counts as the run panel and the CLI show them: `done/total` once its whole input is available, else
 * `done/available/total` (`?` while the total is unknown: it consumes a map node still running).
 */
export function progressText(done: number, available: number, total: number | null): string {
  if (total !== null && available >= total) return `${done}/${total}`;
  return `${done}/${available}/${total ?? '?'}`;
}
