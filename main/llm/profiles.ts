import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { z } from 'zod';
import { invalidSettingsError } from '../field-errors.ts';

/** Fields where a key pasted into a profile would sit; zod would drop them silently, so each is an error instead. */
export const INLINE_KEY_FIELDS = ['apiKey', 'api_key', 'key', 'token'] as const;

function rejectInlineKeys(value: unknown, ctx: z.RefinementCtx): unknown {
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const name = typeof record.name === 'string' ? `profile "${record.name}"` : 'this profile';
  for (const field of INLINE_KEY_FIELDS) {
    if (Object.hasOwn(record, field)) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `${name} holds its key inline; keys are never written in this file: put it in an environment variable and name that variable in apiKeyEnv (e.g. apiKeyEnv: OPENAI_API_KEY)`,
      });
    }
  }
  return value;
}

/** One OpenAI-compatible endpoint. Graphs name profiles; endpoints and keys live only here. */
export const profileFields = z.object({
  name: z.string().min(1).describe('What graphs call this endpoint, e.g. judge-llm.'),
  baseURL: z.url({ protocol: /^https?$/ }).describe('The OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1.'),
  model: z.string().min(1),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, not a key')
    .optional()
    .describe('The name of the environment variable that holds the API key, never the key itself; empty for local servers.'),
  replicas: z
    .array(z.url({ protocol: /^https?$/ }))
    .optional()
    .describe('More servers of the same model (e.g. vLLM replicas on several hosts); each request goes to the least busy one.'),
  cacheIdentity: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Stands in for baseURL in the request cache, for a server whose URL changes but whose answers do not (a model server reached through a fresh port forward each session).',
    ),
  maxConcurrency: z.int().positive().default(8).describe('Requests in flight per server (baseURL and each replica take this many).'),
  requestsPerMinute: z.number().positive().optional(),
  timeoutMs: z.int().positive().default(120_000),
  maxRetries: z.int().nonnegative().default(4),
  structuredOutputs: z
    .boolean()
    .default(true)
    .describe(
      "Send a request's JSON Schema as response_format so the server constrains decoding to it. Off for servers that reject the field: replies are then parsed and repaired.",
    ),
});

export const providerProfileSchema = z.preprocess(rejectInlineKeys, profileFields);

export type ProviderProfile = z.infer<typeof providerProfileSchema>;

export const providerSettingsSchema = z.object({
  providers: z.array(providerProfileSchema).superRefine((profiles, ctx) => {
    const seen = new Set<string>();
    profiles.forEach((profile, index) => {
      if (seen.has(profile.name)) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate profile name "${profile.name}"` });
      }
      seen.add(profile.name);
    });
  }),
});

export type ProviderSettings = z.infer<typeof providerSettingsSchema>;

/** Reads a provider settings file (`.json`, otherwise YAML); errors name the file and the field. */
export async function loadProviderFile(path: string): Promise<ProviderSettings> {
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw new Error(`${path}: cannot parse: ${(error as Error).message}`);
  }
  const parsed = providerSettingsSchema.safeParse(data);
  if (!parsed.success) throw invalidSettingsError(path, parsed.error);
  return parsed.data;
}

export function resolveProfile(profiles: readonly ProviderProfile[], name: string): ProviderProfile {
  const profile = profiles.find((p) => p.name === name);
  if (!profile) {
    const known = profiles.map((p) => p.name).join(', ') || 'none';
    throw new Error(`unknown provider profile "${name}" (known: ${known})`);
  }
  return profile;
}

/** Local servers (vLLM, Ollama) take any key, so a profile without one sends "EMPTY". */
const NO_API_KEY = 'EMPTY';

/** The key for a profile; warns when the profile names an env var that is not set. */
export function resolveApiKey(
  profile: ProviderProfile,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): string {
  if (!profile.apiKeyEnv) return NO_API_KEY;
  const key = env[profile.apiKeyEnv];
  if (key) return key;
  warn(
    `provider profile "${profile.name}": environment variable ${profile.apiKeyEnv} is not set; sending the placeholder key "${NO_API_KEY}"`,
  );
  return NO_API_KEY;
}
