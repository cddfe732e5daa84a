import { z } from 'zod';
import {
  defineMapNode,
  promptField,
  providerField,
  RecordType,
  renderTemplate,
  seedField,
  type ChatMessage,
  type JsonObject,
} from '../sdk/index.ts';

const config = z.object({
  provider: providerField('default-llm', 'Provider profile that answers the prompt.'),
  system: promptField('', 'System message; empty for none. `{{field}}` inserts a field of the item.'),
  prompt: promptField('{{item}}', 'User message for each item. `{{field}}` / `{{a.b}}` insert fields, `{{item}}` the whole item.'),
  outputField: z.string().min(1).default('output').meta({ description: 'Field of the output record that receives the answer.' }),
  jsonSchema: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({
      description: 'When set, the answer must be JSON matching this JSON Schema; it is parsed, validated and repaired once.',
      'x-kind': 'json-schema',
    }),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature.' }),
  maxTokens: z.number().int().min(1).optional().meta({ description: 'Upper bound on the answer length in tokens.' }),
  seed: seedField(),
});

export const llmMap = defineMapNode({
  type: 'core.llm-map',
  version: 1,
  title: 'LLM map',
  category: 'Core',
  description: 'Sends a prompt built from each record to an LLM and adds the answer (text or validated JSON) to the record.',
  inputs: { items: { type: RecordType, description: 'Records to prompt with.' } },
  outputs: { items: { type: RecordType, description: 'Each input record with the answer in `outputField`.' } },
  config,
  over: 'items',
  concurrency: 16,
  async execute(ctx, { items: item }, c) {
    const variables = { ...item, item };
    const messages: ChatMessage[] = [];
    if (c.system) messages.push({ role: 'system', content: renderTemplate(c.system, variables) });
    messages.push({ role: 'user', content: renderTemplate(c.prompt, variables) });
    const reply = await ctx.llm.complete({
      profile: c.provider,
      messages,
      temperature: c.temperature,
      ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
      seed: c.seed,
      ...(c.jsonSchema ? { jsonSchema: c.jsonSchema } : {}),
    });
    const answer = c.jsonSchema ? reply.json! : reply.text;
    return { items: [{ ...item, [c.outputField]: answer } as JsonObject] };
  },
});
