/**
 * Publishes at most once per interval, and once more after the last change of a burst, so what listeners see is
 * never more than one interval behind: a change followed by a long quiet (a slow item) still gets out.
 */
export class ProgressThrottle {
  #lastAt = 0;
  #pending: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly publish: () => void,
  ) {}

  changed(): void {
    if (this.#pending) return;
    const wait = this.#lastAt + this.intervalMs - Date.now();
    if (wait <= 0) this.#fire();
    else this.#pending = setTimeout(() => this.#fire(), wait);
  }

  /** Publishes now (the final state), dropping a pending publish. */
  flush(): void {
    this.#fire();
  }

  #fire(): void {
    clearTimeout(this.#pending);
    this.#pending = undefined;
    this.#lastAt = Date.now();
    this.publish();
  }
}
