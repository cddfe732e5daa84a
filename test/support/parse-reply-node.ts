import { z } from 'zod';
import { defineMapNode, providerField, RecordType, type JsonObject } from '../../nodes/sdk/index.ts';

/**
 * A map node that asks `Number {{n}}` and reads the reply as JSON itself, as nodes that parse a reply (a letter, a
 * verdict) do: the LLM client caches whatever the server answered, so an unparsable reply comes back from the cache.
 */
export const parseReply = defineMapNode({
  type: 'test.parse-reply',
  version: 1,
  title: 'Parse reply',
  category: 'Test',
  description: 'Asks the model for JSON and parses it.',
  inputs: { items: { type: RecordType, description: 'Records with n.' } },
  outputs: { items: { type: RecordType, description: 'The parsed replies.' } },
  config: z.object({ provider: providerField('test-llm', 'The model.') }),
  over: 'items',
  async execute(ctx, { items: item }, config) {
    const reply = await ctx.llm.complete({ profile: config.provider, messages: [{ role: 'user', content: `Number ${(item as { n: number }).n}` }] });
    try {
      return { items: [JSON.parse(reply.text) as JsonObject] };
    } catch (error) {
      throw Object.assign(new Error(`the reply is not JSON: ${(error as Error).message}`), { raw: reply.raw });
    }
  },
});
