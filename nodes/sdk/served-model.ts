import { z } from 'zod';
import { defineDataType } from './data-types.ts';

/**
 * A model server a graph asks for: the engine starts it (one replica per host) when a node first sends it a
 * request, publishes it as the provider profile `profile`, and stops it when the run ends unless `keepWarm`.
 */
const servedModelSchema = z.object({
  profile: z.string().min(1),
  engine: z.enum(['vllm', 'sglang']),
  /** A Hugging Face id or a folder that exists on every replica's host. */
  model: z.string().min(1),
  /** One replica per entry (a host named twice runs two replicas). */
  hosts: z.array(z.string().min(1)).min(1),
  /** The port the first replica listens on, on its host; replica n listens on `port + n`. */
  port: z.number().int().min(1).max(65535),
  tensorParallel: z.number().int().min(1).optional(),
  maxModelLen: z.number().int().min(1).optional(),
  limitMmPerPrompt: z.record(z.string(), z.number().int().min(0)).optional(),
  extraArgs: z.array(z.string()),
  keepWarm: z.boolean(),
  readyTimeoutSec: z.number().positive(),
  /** Requests in flight per replica. */
  maxConcurrency: z.number().int().min(1),
});
export type ServedModel = z.infer<typeof servedModelSchema>;

export const ServedModelType = defineDataType<ServedModel>({
  id: 'ServedModel',
  title: 'Served model',
  description: 'A vLLM or SGLang server the engine starts on demand and publishes as a provider profile.',
  color: '#d946ef',
  schema: servedModelSchema,
});
