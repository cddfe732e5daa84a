import type { NodeState, RunEvent } from '../api/contract.ts';
import { progressText } from '../api/progress-text.ts';

interface NodeLine {
  state: NodeState;
  done: number;
  available: number;
  total: number | null;
  cached: number;
  failed: number;
}

const BAR_WIDTH = 24;

/**
 * Live progress of a run. On a terminal: one redrawn line per node with a bar; otherwise (CI, pipes): a plain
 * line per state change, so logs stay readable.
 */
export class ProgressView {
  readonly #lines = new Map<string, NodeLine>();
  readonly #interactive: boolean;
  #drawn = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    nodeIds: readonly string[],
    private readonly out: NodeJS.WriteStream,
  ) {
    this.#interactive = Boolean(out.isTTY) && !process.env.CI;
    for (const id of nodeIds) this.#lines.set(id, { state: 'queued', done: 0, available: 0, total: null, cached: 0, failed: 0 });
    if (this.#interactive) this.#timer = setInterval(() => this.#draw(), 100);
  }

  handle(event: RunEvent): void {
    if (event.type === 'node-progress') {
      const line = this.#lines.get(event.nodeId);
      if (line) Object.assign(line, { done: event.done, available: event.available, total: event.total, cached: event.cached, failed: event.failed });
    } else if (event.type === 'node-state') {
      const line = this.#lines.get(event.nodeId);
      if (!line || line.state === event.state) return;
      line.state = event.state;
      if (!this.#interactive && event.state !== 'queued') {
        this.out.write(`${event.nodeId}: ${event.state}${event.error ? ` — ${event.error}` : ''}\n`);
      }
    } else if (event.type === 'node-log' && event.level !== 'info') {
      this.#print(`${event.nodeId}: ${event.level}: ${event.message}`);
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#interactive) this.#draw();
  }

  #print(text: string): void {
    if (this.#interactive) this.#clear();
    this.out.write(`${text}\n`);
  }

  #clear(): void {
    if (this.#drawn) this.out.write(`\x1b[${this.#drawn}A\x1b[0J`);
    this.#drawn = 0;
  }

  #draw(): void {
    this.#clear();
    const width = Math.max(...[...this.#lines.keys()].map((id) => id.length));
    for (const [id, line] of this.#lines) {
      const fraction = line.total ? Math.min(1, line.done / line.total) : line.state === 'done' || line.state === 'cached' ? 1 : 0;
      const filled = Math.round(fraction * BAR_WIDTH);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
      const count = progressText(line.done, line.available, line.total);
      const extra = `${line.cached ? ` cached ${line.cached}` : ''}${line.failed ? ` failed ${line.failed}` : ''}`;
      this.out.write(`${id.padEnd(width)}  ${line.state.padEnd(9)} ${bar} ${count}${extra}\n`);
    }
    this.#drawn = this.#lines.size;
  }
}
