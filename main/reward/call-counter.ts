import type { LlmCallRecord, LlmCallRecorder } from '../llm/ports.ts';

/**
 * Counts a reward server's LLM calls for its health route. They are not written to the run store's call log: they
 * belong to no run, and `rewatch prune` trims that log run by run.
 */
export class CallCounter implements LlmCallRecorder {
  calls = 0;
  cached = 0;
  failed = 0;
  promptTokens = 0;
  completionTokens = 0;

  record(call: LlmCallRecord): void {
    this.calls++;
    if (call.cached) this.cached++;
    if (call.error) this.failed++;
    if (!call.cached) {
      this.promptTokens += call.promptTokens;
      this.completionTokens += call.completionTokens;
    }
  }

  snapshot() {
    const { calls, cached, failed, promptTokens, completionTokens } = this;
    // paid: calls that went to a server (usable or not); failed: those without a usable reply.
    return { calls, cached, paid: calls - cached, failed, promptTokens, completionTokens };
  }
}
