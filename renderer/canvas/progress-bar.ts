/**
 * What a running node's bar shows. With the total known and all of it available: the share done. While its input
 * still grows (it consumes a running map node): the share available so far, and the share done of that. Nothing
 * known yet (a once-node, or no item arrived): an indeterminate bar, so every running node shows it is working.
 */
export type ProgressBar =
  | { kind: 'indeterminate' }
  | { kind: 'measured'; done: number; available: number; growing: boolean };

export function progressBar(done: number, available: number, total: number | null): ProgressBar {
  const whole = total ?? available;
  if (!whole) return { kind: 'indeterminate' };
  const share = (n: number) => Math.min(1, Math.max(0, n / whole));
  return { kind: 'measured', done: share(done), available: share(Math.max(available, done)), growing: total === null || available < total };
}
