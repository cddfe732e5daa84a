import { z } from 'zod';
import { defineOnceNode, hostField, ServedModelType, videoBudgetField, type JsonObject, type ServedModel } from '../../sdk/index.ts';
import { TrainingRunType } from './types.ts';

const config = z.object({
  profile: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits and _ . - only')
    .default('served-vlm')
    .meta({ description: 'The provider profile it is published as: pick this name in the model fields of the nodes that should use it.' }),
  engine: z.enum(['vllm', 'sglang']).default('vllm').meta({ description: '`vllm serve` or SGLang’s `launch_server`.' }),
  model: z.string().default('').meta({
    description: 'A Hugging Face id or a folder on the hosts. Leave empty to serve the checkpoint of the connected training run.',
  }),
  hosts: z.array(hostField('A host to run a replica on.')).default([]).meta({
    description: 'One replica per entry, load-balanced (name a host twice for two replicas on it); empty: the training run’s host, else this node’s host.',
  }),
  port: z.number().int().min(1).max(65535).default(8000).meta({ description: 'The port of the first replica on its host; replica n listens on port + n (each forwarded to this machine).' }),
  tensorParallel: z.number().int().min(1).default(1).meta({ description: 'GPUs per replica (`--tensor-parallel-size` / `--tp`).' }),
  maxModelLen: z.number().int().min(1).optional().meta({ description: 'Context length (`--max-model-len`); the model’s own when empty.' }),
  maxImages: videoBudgetField(
    'maxFrames',
    'Images per request vLLM accepts (`--limit-mm-per-prompt` `image`): the ReWatch nodes send a video as its frames, so the ' +
      'graph’s video budget unless set here (a captioner sending more frames per request needs its `maxFrames` here).',
  ),
  limitMmPerPrompt: z
    .record(z.string(), z.number().int().min(0))
    .default({ video: 1 })
    .refine((limits) => !Object.hasOwn(limits, 'image'), 'set the image limit with `maxImages`')
    .meta({ description: 'vLLM’s `--limit-mm-per-prompt` for the other modalities (video, audio).' }),
  extraArgs: z.array(z.string()).default([]).meta({ description: 'More arguments for the server, each passed as is (never through a shell).' }),
  keepWarm: z.boolean().default(false).meta({
    description: 'Keep the server running after the run (and after the app quits) so the next run starts at once; stop it from Settings.',
  }),
  readyTimeoutSec: z.number().positive().default(900).meta({ description: 'How long loading may take before the run gives up.' }),
  maxConcurrency: z.number().int().min(1).default(16).meta({ description: 'Requests in flight per replica.' }),
});

/**
 * v1 gave the image limit inside `limitMmPerPrompt` (64 when unset); v2 takes it from `maxImages`, the graph's frame
 * budget unless set: a v1 image limit moves there.
 */
function imageLimitFromV1(config: JsonObject): JsonObject {
  const { limitMmPerPrompt, ...rest } = config;
  // Anything but an object of limits is left for validation to report.
  if (typeof limitMmPerPrompt !== 'object' || limitMmPerPrompt === null || Array.isArray(limitMmPerPrompt)) return config;
  const { image, ...others } = limitMmPerPrompt;
  return { ...rest, limitMmPerPrompt: others, ...(image !== undefined && { maxImages: image }) };
}

export const modelServer = defineOnceNode({
  type: 'rewatch.model-server',
  version: 2,
  migrations: { 1: imageLimitFromV1 },
  title: 'Model server',
  category: 'Training',
  description:
    'Serves a model (a Hugging Face id, or the checkpoint of a training run) with vLLM or SGLang on one or more hosts ' +
    'and publishes it as a provider profile for this graph. The server starts when a node first calls the profile, ' +
    'is reached through a forwarded port, and stops when the run ends unless kept warm.',
  inputs: {
    checkpoint: {
      type: TrainingRunType,
      optional: true,
      description: 'A finished training run whose checkpoint folder is served (on its host unless hosts are given).',
    },
  },
  outputs: {
    server: { type: ServedModelType, description: 'What is served, where and how: one record.' },
  },
  config,
  servesProfile: { port: 'server', field: 'profile' },
  async execute(ctx, inputs, c) {
    if (inputs.checkpoint.count > 1) throw new Error(`"checkpoint" holds ${inputs.checkpoint.count} training runs; connect one`);
    const run = inputs.checkpoint.page(0, 1)[0];
    const model = c.model || run?.checkpointPath;
    if (!model) throw new Error('nothing to serve: set "model" or connect a training run to "checkpoint"');
    const server: ServedModel = {
      profile: c.profile,
      engine: c.engine,
      model,
      hosts: c.hosts.length ? c.hosts : [run?.host ?? ctx.host.name],
      port: c.port,
      ...(c.tensorParallel > 1 && { tensorParallel: c.tensorParallel }),
      ...(c.maxModelLen !== undefined && { maxModelLen: c.maxModelLen }),
      limitMmPerPrompt: { image: c.maxImages, ...c.limitMmPerPrompt },
      extraArgs: c.extraArgs,
      keepWarm: c.keepWarm,
      readyTimeoutSec: c.readyTimeoutSec,
      maxConcurrency: c.maxConcurrency,
    };
    return { server: [server] };
  },
});
