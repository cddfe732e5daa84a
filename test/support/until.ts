/**
 * Waits until `check` holds, looking again every few milliseconds. Tests wait on states, never on time: the
 * deadline is only a safety net against a hang, generous enough for a machine under full load, and reaching it
 * fails with `what` (a string or a function that describes what was seen).
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string | (() => string) = 'the awaited condition',
  deadlineMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
