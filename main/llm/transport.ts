import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { onAbort } from './abort.ts';
import { AttemptError, retryAfterMs } from './retry.ts';

/** The part of a chat completion the client uses. */
export interface ChatReply {
  raw: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/** A chat.completions body; messages may carry parts the SDK types lack (vLLM's `video_url`). */
export type ChatCompletionBody = Record<string, unknown> & { model: string; messages: unknown[] };

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function malformed(detail: string): AttemptError {
  return new AttemptError(`malformed reply: ${detail}`, true);
}

function parseReply(text: string, fallbackModel: string): ChatReply {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw malformed(`body is not JSON (${JSON.stringify(text.slice(0, 80))})`);
  }
  const completion = body as {
    model?: unknown;
    choices?: { message?: { content?: unknown } }[];
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  };
  if (!Array.isArray(completion.choices) || completion.choices.length === 0) throw malformed('no choices');
  const content = completion.choices[0]?.message?.content;
  if (typeof content !== 'string') throw malformed('choices[0].message.content is missing');
  const tokens = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : 0);
  return {
    raw: content,
    model: typeof completion.model === 'string' && completion.model ? completion.model : fallbackModel,
    promptTokens: tokens(completion.usage?.prompt_tokens),
    completionTokens: tokens(completion.usage?.completion_tokens),
  };
}

function toAttemptError(error: unknown, timedOut: boolean, timeoutMs: number): AttemptError {
  if (timedOut || error instanceof APIUserAbortError) {
    return new AttemptError(`no reply within ${timeoutMs} ms`, true);
  }
  if (error instanceof APIConnectionError) {
    // Covers APIConnectionTimeoutError too.
    return new AttemptError(`connection failed: ${error.message}`, true);
  }
  if (error instanceof APIError && error.status !== undefined) {
    return new AttemptError(
      `HTTP ${error.status}: ${error.message}`,
      isRetryableStatus(error.status),
      error.status,
      retryAfterMs(error.headers),
    );
  }
  // The body stream broke after the headers arrived (socket closed, reset).
  if (error instanceof TypeError) return new AttemptError(`connection failed: ${error.message}`, true);
  throw error;
}

/**
 * Sends one chat completion, with no retries of its own. The deadline covers the whole exchange, body included.
 * Rejects with the caller's abort reason on abort, otherwise with an `AttemptError`.
 */
export async function sendChatCompletion(
  openai: OpenAI,
  body: ChatCompletionBody,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<ChatReply> {
  options.signal.throwIfAborted();
  // One controller per attempt, fed by the caller's signal and the deadline. (AbortSignal.any would leak
  // dependents on the long-lived run signal in Node 20.)
  const attempt = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, options.timeoutMs);
  const leave = onAbort(options.signal, () => attempt.abort(options.signal.reason));
  try {
    const response = await openai.chat.completions
      .create(body as unknown as ChatCompletionCreateParamsNonStreaming, {
        signal: attempt.signal,
        timeout: options.timeoutMs,
        maxRetries: 0,
      })
      .asResponse();
    return parseReply(await response.text(), body.model);
  } catch (error) {
    options.signal.throwIfAborted();
    if (error instanceof AttemptError) throw error;
    throw toAttemptError(error, timedOut, options.timeoutMs);
  } finally {
    clearTimeout(timer);
    leave();
  }
}
