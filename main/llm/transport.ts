import { EventEmitter } from 'node:events';
import { APIError } from 'openai';
import { Pool, errors as undiciErrors } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';
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

function fetchHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return result;
}

/**
 * The SDK's error for an HTTP error status, built the way the SDK builds it (openai/openai-node, src/client.ts,
 * `makeRequest` and `makeStatusError`, at 7b7d6ca71130d37ec09792c50056b47861f2eccf): a JSON body without an `error`
 * member is the error itself; a body that is not JSON is the message.
 */
function statusError(status: number, text: string, headers: Headers): APIError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const normalized = json && typeof json === 'object' && (json as { error?: unknown }).error == null ? { error: json } : json;
  return APIError.generate(status, normalized as object | undefined, json === undefined ? text : undefined, headers);
}

/** Failures of the connection or the exchange (refused, reset, closed mid-body), as opposed to misuse of the pool. */
function isConnectionFailure(error: unknown): error is Error {
  if (error instanceof undiciErrors.InvalidArgumentError) return false;
  if (error instanceof undiciErrors.UndiciError) return true;
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/**
 * One OpenAI-compatible server: `POST {baseURL}/chat/completions` over a pool of keep-alive connections. The SDK's
 * per-request work (its header building, fetch and stream wrappers) costs more CPU than a small completion's whole
 * exchange at high concurrency, so the hot path sends with undici directly and keeps the SDK's semantics: its URL
 * joining, bearer auth, and its `APIError` for an error status (see `npm run bench`, LLM fan-out).
 */
export class ChatServer {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: Record<string, string>;

  constructor(options: { baseURL: string; apiKey: string; connections: number }) {
    // openai-node's `buildURL` (src/client.ts, same commit): baseURL + path, one slash between them.
    const url = new URL(options.baseURL.endsWith('/') ? `${options.baseURL}chat/completions` : `${options.baseURL}/chat/completions`);
    this.#path = `${url.pathname}${url.search}`;
    // The deadline is the caller's (one timer per attempt, body included): undici's own timeouts stay off.
    this.#pool = new Pool(url.origin, { connections: options.connections, headersTimeout: 0, bodyTimeout: 0 });
    this.#headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${options.apiKey}`,
    };
  }

  /**
   * Sends one chat completion, with no retries of its own. The deadline covers the whole exchange, body included.
   * Rejects with the caller's abort reason on abort, otherwise with an `AttemptError`.
   */
  async complete(body: ChatCompletionBody, options: { timeoutMs: number; signal: AbortSignal }): Promise<ChatReply> {
    options.signal.throwIfAborted();
    // One abort emitter per attempt, fed by the caller's signal and the deadline. (AbortSignal.any would leak
    // dependents on the long-lived run signal in Node 20.) undici takes an EventEmitter as a request's `signal`,
    // which costs a fraction of an AbortController to make.
    const attempt = new EventEmitter();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attempt.emit('abort');
    }, options.timeoutMs);
    const leave = onAbort(options.signal, () => attempt.emit('abort'));
    try {
      const response = await this.#pool.request({
        method: 'POST',
        path: this.#path,
        headers: this.#headers,
        body: JSON.stringify(body),
        signal: attempt,
      });
      const text = await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const error = statusError(response.statusCode, text, fetchHeaders(response.headers));
        throw new AttemptError(
          `HTTP ${response.statusCode}: ${error.message}`,
          isRetryableStatus(response.statusCode),
          response.statusCode,
          retryAfterMs(error.headers),
        );
      }
      return parseReply(text, body.model);
    } catch (error) {
      options.signal.throwIfAborted();
      if (error instanceof AttemptError) throw error;
      if (timedOut) throw new AttemptError(`no reply within ${options.timeoutMs} ms`, true);
      if (isConnectionFailure(error)) throw new AttemptError(`connection failed: ${error.message}`, true);
      throw error;
    } finally {
      clearTimeout(timer);
      leave();
    }
  }
}
