/**
 * Structured outputs: `completeJson(zodSchema)` sends the schema's JSON Schema as `response_format` (the field vLLM,
 * SGLang, Ollama and OpenAI constrain decoding with), parses the reply with the zod schema, and falls back to parse and
 * repair when a profile turns structured outputs off. Assertions are on what reached the scripted server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmOutputError } from '../../main/llm/index.ts';
import { replyJsonSchema, responseFormat } from '../../main/llm/response-format.ts';
import type { ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { startReplyServer, testClient, user } from './helpers.ts';

const verdict = z.object({
  correct: z.boolean(),
  reason: z.string(),
  confidence: z.number().min(0).max(1).default(1),
});

describe('structured outputs', () => {
  let server: ScriptedLlmServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const serveReplies = async (replies: string[]) => (server = await startReplyServer(replies));

  it('sends the schema as response_format and returns the reply parsed by the zod schema', async () => {
    const s = await serveReplies(['{"correct": true, "reason": "same count"}']);
    const { gateway } = testClient(s.baseURL);
    const reply = await gateway().completeJson(verdict, { profile: 'local', messages: user('judge this') });

    expect(reply.value).toEqual({ correct: true, reason: 'same count', confidence: 1 });
    const format = s.requests[0]!.body.response_format as { type: string; json_schema: { name: string; schema: Record<string, unknown>; strict: boolean } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.name).toBe('reply');
    expect(format.json_schema.schema).toEqual({
      type: 'object',
      properties: {
        correct: { type: 'boolean' },
        reason: { type: 'string' },
        confidence: { type: 'number', minimum: 0, maximum: 1, default: 1 },
      },
      required: ['correct', 'reason'],
      additionalProperties: false,
    });
    // `confidence` may be left out (it has a default), so OpenAI's strict mode would reject the schema.
    expect(format.json_schema.strict).toBe(false);
  });

  it('marks schemas whose objects are closed and fully required as strict', () => {
    const closed = replyJsonSchema(z.object({ items: z.array(z.object({ text: z.string(), ok: z.boolean() })) }));
    expect(responseFormat(closed).json_schema.strict).toBe(true);
    const open = replyJsonSchema(z.object({ items: z.array(z.object({ text: z.string(), note: z.string().optional() })) }));
    expect(responseFormat(open).json_schema.strict).toBe(false);
  });

  it('with structured outputs off, sends no response_format and parses a prose reply', async () => {
    const s = await serveReplies(['Sure.\n```json\n{"correct": false, "reason": "wrong time", "confidence": 0.4}\n```']);
    const { gateway } = testClient(s.baseURL, { structuredOutputs: false });
    const reply = await gateway().completeJson(verdict, { profile: 'local', messages: user('judge this') });
    expect(reply.value).toEqual({ correct: false, reason: 'wrong time', confidence: 0.4 });
    expect(s.requests[0]!.body).not.toHaveProperty('response_format');
  });

  it('repairs a reply the zod schema rejects, quoting the JSON Schema, and records the repair', async () => {
    const s = await serveReplies(['{"correct": "yes", "reason": "ok"}', '{"correct": true, "reason": "ok"}']);
    const { gateway, recorder } = testClient(s.baseURL, { structuredOutputs: false });
    const reply = await gateway().completeJson(verdict, { profile: 'local', messages: user('judge this') });
    expect(reply.value.correct).toBe(true);
    expect(s.requests).toHaveLength(2);
    const repairPrompt = String(s.requests[1]!.messages[2]!.content);
    expect(repairPrompt).toContain('/correct: Invalid input: expected boolean');
    expect(repairPrompt).toContain('"required":["correct","reason"]');
    expect(recorder.calls.map((c) => c.repair)).toEqual([false, true]);
  });

  it('fails with the raw reply when the repair is rejected too', async () => {
    const s = await serveReplies(['I cannot judge this.', 'Still no.']);
    const { gateway } = testClient(s.baseURL);
    const error = await gateway()
      .completeJson(verdict, { profile: 'local', messages: user('judge this') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmOutputError);
    expect((error as LlmOutputError).raw).toBe('Still no.');
  });

  it('reuses cached answers when a profile toggles structured outputs', async () => {
    const s = await serveReplies(['{"correct": true, "reason": "same"}']);
    const on = testClient(s.baseURL);
    await on.gateway().completeJson(verdict, { profile: 'local', messages: user('judge this') });
    const off = testClient(s.baseURL, { structuredOutputs: false }, { cache: on.cache });
    const again = await off.gateway().completeJson(verdict, { profile: 'local', messages: user('judge this') });
    expect(again).toMatchObject({ cached: true, value: { correct: true, reason: 'same', confidence: 1 } });
    expect(s.requests).toHaveLength(1);
  });
});
