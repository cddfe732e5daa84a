import { afterEach, describe, expect, it } from 'vitest';
import { LlmOutputError } from '../../main/llm/index.ts';
import type { ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { startReplyServer, testClient, user } from './helpers.ts';

const schema = {
  type: 'object',
  properties: { answer: { type: 'string' }, start: { type: 'number' } },
  required: ['answer', 'start'],
  additionalProperties: false,
};

describe('JSON schema requests', () => {
  let server: ScriptedLlmServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const serveReplies = async (replies: string[]) => (server = await startReplyServer(replies));

  it('parses and validates JSON in a thinking, fenced reply', async () => {
    const s = await serveReplies(['<think>{"draft": true}</think>\n```json\n{"answer": "a dog", "start": 12.5}\n```']);
    const { gateway } = testClient(s.baseURL);
    const response = await gateway().complete({ profile: 'local', messages: user('what?'), jsonSchema: schema });
    expect(response.json).toEqual({ answer: 'a dog', start: 12.5 });
    expect(s.requests).toHaveLength(1);
  });

  it('sends exactly one repair request naming the problem, then succeeds', async () => {
    const s = await serveReplies(['{"answer": 3, "start": 1}', 'Sorry! {"answer": "three", "start": 1}']);
    const { gateway, recorder, cache } = testClient(s.baseURL);
    const request = { profile: 'local', messages: user('count'), jsonSchema: schema };
    const response = await gateway().complete(request);
    expect(response.json).toEqual({ answer: 'three', start: 1 });
    expect(response.cached).toBe(false);
    expect(s.requests).toHaveLength(2);

    const repairMessages = s.requests[1]!.messages;
    expect(repairMessages.slice(0, 2)).toEqual([
      { role: 'user', content: 'count' },
      { role: 'assistant', content: '{"answer": 3, "start": 1}' },
    ]);
    expect(repairMessages[2]?.role).toBe('user');
    expect(repairMessages[2]?.content).toContain('/answer: must be string');
    expect(repairMessages[2]?.content).toContain('only the corrected JSON');

    expect(recorder.calls).toHaveLength(2);
    expect(recorder.calls[0]?.error).toBe('invalid output: /answer: must be string');
    expect(recorder.calls[1]?.error).toBeUndefined();
    // Usage covers both requests, and the repaired reply answers the original request from now on.
    const [first, second] = recorder.calls;
    expect(response.usage.promptTokens).toBe(first!.promptTokens + second!.promptTokens);
    expect(cache.entries.size).toBe(1);
    const again = await gateway().complete({ ...request, messages: user('count') });
    expect(again).toMatchObject({ cached: true, json: { answer: 'three', start: 1 } });
    expect(s.requests).toHaveLength(2);
  });

  it('throws LlmOutputError with the raw reply when the repair fails too, and caches nothing', async () => {
    const s = await serveReplies(['I think it is three.', '<think>hmm</think>{"answer": "three"}', '{"answer": "x", "start": 0}']);
    const { gateway, cache, recorder } = testClient(s.baseURL);
    const request = { profile: 'local', messages: user('count'), jsonSchema: schema };
    const error = await gateway()
      .complete(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmOutputError);
    expect((error as LlmOutputError).raw).toBe('<think>hmm</think>{"answer": "three"}');
    expect((error as LlmOutputError).message).toContain("/: must have required property 'start'");
    expect(s.requests).toHaveLength(2);
    expect(s.requests[1]?.messages[2]?.content).toContain('the reply contains no JSON object or array');
    expect(cache.entries.size).toBe(0);
    expect(recorder.calls.map((c) => Boolean(c.error))).toEqual([true, true]);

    // A bad reply is never served from the cache: the same request goes to the server again.
    const retried = await gateway().complete(request);
    expect(retried).toMatchObject({ cached: false, json: { answer: 'x', start: 0 } });
    expect(s.requests).toHaveLength(3);
  });

  it('rejects an invalid schema before sending anything', async () => {
    const s = await serveReplies([]);
    const { gateway } = testClient(s.baseURL);
    await expect(
      gateway().complete({ profile: 'local', messages: user('x'), jsonSchema: { type: 'nonsense' } }),
    ).rejects.toThrow(/invalid JSON Schema/);
    expect(s.requests).toHaveLength(0);
  });
});
