/**
 * A simulated GPU fleet: every model role of the pipeline served by its own scripted OpenAI-compatible server on
 * loopback, each a pool that works on a fixed number of requests at once (the rest wait at the server, as in a vLLM
 * scheduler's queue) for a fixed time each. All servers answer with one scripted model, which checks across roles
 * (a question writer must be shown a summary the summarizer wrote).
 * Run as `rewatch-tsx.mjs bench/gpu-fleet.ts serve POOLS_JSON`, this file is the fleet in a child process, like real
 * model servers: it prints `{"baseURLs"}`, answers each `take` line on stdin with a `FleetCount` of what came since the
 * one before, and exits when stdin closes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import type { ProviderProfile } from '../main/llm/profiles.ts';
import { profile } from '../test/support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../test/support/scripted-llm-server.ts';
import { createScriptedModel, MODEL_ROLES, type ModelRole } from '../test/support/scripted-model.ts';
import { startTsxChild } from './support.ts';

/** One model's servers: how many requests they work on at once, and how long each takes. */
export interface GpuPool {
  concurrency: number;
  latencyMs: number;
}

export type FleetSpec = Readonly<Record<ModelRole, GpuPool>>;

export interface PoolCount {
  /** Chat completions the pool's server received (retries included: each is work for the pool). */
  requests: number;
  /** The most requests it worked on at once (≤ its concurrency; the rest waited at the server). */
  maxBusy: number;
}

export interface FleetCount {
  pools: Record<ModelRole, PoolCount>;
  /** What the scripted model says requests should never have held (see scripted-model.ts). */
  violations: string[];
}

/**
 * `respond` as a pool serves it: at most `concurrency` requests at once, the rest waiting in arrival order, each
 * holding its place for the pool's latency (or the model's own work, when that takes longer); counted in `count`.
 */
export function pooledResponder(pool: GpuPool, count: PoolCount, respond: (request: ScriptedChatRequest) => Promise<string>) {
  const slot = pLimit(pool.concurrency);
  return (request: ScriptedChatRequest) => {
    count.requests += 1;
    return slot(async () => {
      count.maxBusy = Math.max(count.maxBusy, slot.activeCount);
      const [text] = await Promise.all([respond(request), sleep(pool.latencyMs)]);
      return text;
    });
  };
}

/** The child's side: one server per role. */
async function serveFleet(spec: FleetSpec): Promise<void> {
  const model = createScriptedModel();
  const pools = Object.fromEntries(MODEL_ROLES.map((role) => [role, { requests: 0, maxBusy: 0 }])) as Record<ModelRole, PoolCount>;
  let violationsTaken = 0;
  const take = (): FleetCount => {
    const taken = structuredClone(pools);
    for (const count of Object.values(pools)) Object.assign(count, { requests: 0, maxBusy: 0 });
    const violations = model.violations.slice(violationsTaken);
    violationsTaken = model.violations.length;
    return { pools: taken, violations };
  };
  const servers = new Map<ModelRole, ScriptedLlmServer>();
  for (const role of MODEL_ROLES) {
    servers.set(role, await startScriptedLlmServer({ respond: pooledResponder(spec[role], pools[role], (request) => model.respond(request)), model: role, recordRequests: false }));
  }
  const baseURLs = Object.fromEntries([...servers].map(([role, server]) => [role, server.baseURL]));
  process.stdout.write(`${JSON.stringify({ baseURLs })}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', () => process.stdout.write(`${JSON.stringify(take())}\n`));
  lines.on('close', () => void Promise.all([...servers.values()].map((s) => s.close())).then(() => process.exit(0)));
}

export interface Fleet {
  /** A profile per role, each pointing at its own pool's server. */
  profiles: ProviderProfile[];
  /** What each pool received since the last call (or the start), and what the scripted model found wrong in it. */
  takeCounts(): Promise<FleetCount>;
  stop(): Promise<void>;
}

/**
 * Starts the fleet in a child process. The client may hold `clientConcurrency` requests in flight per profile, so
 * requests beyond a pool's concurrency wait at its server (a request waits there at most `timeoutMs`).
 */
export async function startFleet(spec: FleetSpec, client: { clientConcurrency: number; timeoutMs: number }): Promise<Fleet> {
  const child = startTsxChild('bench/gpu-fleet.ts', ['serve', JSON.stringify(spec)]);
  try {
    const { baseURLs } = await child.nextJson<{ baseURLs: Record<ModelRole, string> }>();
    return {
      profiles: MODEL_ROLES.map((role) =>
        profile(role, baseURLs[role], { model: role, maxConcurrency: client.clientConcurrency, timeoutMs: client.timeoutMs, maxRetries: 2 }),
      ),
      async takeCounts() {
        child.process.stdin!.write('take\n');
        return child.nextJson<FleetCount>();
      },
      stop: () => child.stop(),
    };
  } catch (error) {
    child.process.kill();
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'serve') await serveFleet(JSON.parse(process.argv[3]!) as FleetSpec);
