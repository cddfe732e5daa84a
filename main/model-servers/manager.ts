import { ApiError, type ModelServerInfo } from '../api/contract.ts';
import type { ProviderProfile } from '../llm/profiles.ts';
import type { ModelServerRecords } from '../store/model-servers.ts';
import type { HostHandle, ServedModel } from '../../nodes/sdk/index.ts';
import { attachModelServer, startModelServer, type ModelServerSpec, type RunningModelServer } from './launch.ts';
import { publishProfile, replicaId, servedIdentity } from './profile.ts';

type ServerLog = (level: 'info' | 'warn', message: string) => void;

/** A server re-attached to from an earlier session must answer quickly; a fresh one may take minutes to load. */
const REATTACH_TIMEOUT_MS = 30_000;

interface Replica {
  id: string;
  host: string;
  spec: ServedModel;
  server: RunningModelServer;
  keepWarm: boolean;
  startedAt: number;
  /** Runs using it now; a replica nobody uses and nobody keeps warm is stopped. */
  runs: Set<string>;
}

/** A replica starting or running, with what identifies its port before it is up. */
interface Slot {
  host: string;
  port: number;
  profile: string;
  replica: Promise<Replica>;
  /** Set once it is up. */
  ready?: Replica;
}

interface ModelServerManagerOptions {
  host(name: string): HostHandle;
  records: ModelServerRecords;
  /** Between readiness polls (tests shorten it). */
  pollMs?: number;
}

/** What one run holds: the served profiles it asked for, released together when the run ends. */
export interface ModelServerLease {
  /** The provider profile of `spec`, starting (or reusing) one replica per host; the same object for the same spec. */
  profile(spec: ServedModel, log: ServerLog, signal: AbortSignal): Promise<ProviderProfile>;
  /** Stops the replicas this run used that no other run uses and nobody keeps warm; failures go to their logs. */
  release(): Promise<void>;
}

/**
 * The model servers of this engine: started on a run's first request, shared by concurrent runs, stopped when the
 * last run using them ends unless kept warm. Each replica is recorded in the run store as soon as its job exists,
 * so a later session re-attaches to it (a warm server) or can stop it (one left behind by a crash).
 */
export class ModelServerManager {
  readonly #options: ModelServerManagerOptions;
  readonly #slots = new Map<string, Slot>();

  constructor(options: ModelServerManagerOptions) {
    this.#options = options;
  }

  lease(runId: string): ModelServerLease {
    const profiles = new Map<string, Promise<ProviderProfile>>();
    const logs = new Map<string, ServerLog>();
    return {
      profile: (spec, log, signal) => {
        const key = JSON.stringify(spec);
        let profile = profiles.get(key);
        if (!profile) {
          logs.set(spec.profile, log);
          // A failed start stays failed for the rest of the run: loading takes minutes, so items must not retry it.
          profile = this.#publish(spec, runId, log, signal);
          profiles.set(key, profile);
        }
        return profile;
      },
      release: () =>
        this.#release(runId, (replica, error) =>
          logs.get(replica.spec.profile)?.('warn', `could not stop the server on "${replica.host}": ${(error as Error).message}`),
        ),
    };
  }

  list(): ModelServerInfo[] {
    // Replicas still loading are left out until they answer.
    const infos: ModelServerInfo[] = [];
    for (const slot of this.#slots.values()) {
      if (slot.ready) infos.push(info(slot.ready, slot.ready.server.baseURL, [...slot.ready.runs]));
    }
    for (const record of this.#options.records.list()) {
      if (!this.#slots.has(record.id)) infos.push(info(record, null, []));
    }
    return infos;
  }

  async stop(id: string): Promise<{ stopped: boolean }> {
    const slot = this.#slots.get(id);
    if (slot) {
      const replica = await slot.replica;
      if (replica.runs.size > 0) {
        throw new ApiError(409, `model server ${id} is in use by run ${[...replica.runs].join(', ')}; cancel the run first`);
      }
      await this.#shutDown(replica);
      return { stopped: true };
    }
    const record = this.#options.records.get(id);
    if (!record) throw new ApiError(404, `no model server "${id}"`);
    const job = await this.#options.host(record.host).attachJob(record.jobId);
    await job.cancel({ graceMs: 10_000 });
    this.#options.records.delete(id);
    return { stopped: true };
  }

  /** At engine exit: warm servers keep running (a later session re-attaches), the others stop. */
  async close(): Promise<void> {
    const replicas = await Promise.allSettled([...this.#slots.values()].map((slot) => slot.replica));
    await Promise.allSettled(
      replicas.map((settled) => {
        if (settled.status !== 'fulfilled') return undefined;
        return settled.value.keepWarm ? settled.value.server.detach() : this.#shutDown(settled.value);
      }),
    );
    this.#slots.clear();
  }

  async #publish(spec: ServedModel, runId: string, log: ServerLog, signal: AbortSignal): Promise<ProviderProfile> {
    // Replica n listens on port + n, so that several replicas can share a machine.
    const replicas = await Promise.all(spec.hosts.map((host, n) => this.#acquire(spec, host, spec.port + n, runId, log, signal)));
    return publishProfile(
      replicas.map((r) => r.server),
      spec.profile,
      { maxConcurrency: spec.maxConcurrency, cacheIdentity: servedIdentity(spec) },
    );
  }

  async #acquire(spec: ServedModel, host: string, port: number, runId: string, log: ServerLog, signal: AbortSignal): Promise<Replica> {
    const id = replicaId(spec, host, port);
    let slot = this.#slots.get(id);
    if (!slot) {
      const taken = [...this.#slots.values()].find((other) => other.host === host && other.port === port);
      if (taken) {
        throw new Error(`port ${port} on host "${host}" is taken by the model server of profile "${taken.profile}"; give "${spec.profile}" another port`);
      }
      const pending = this.#bringUp(id, spec, host, port, log, signal);
      const created: Slot = { host, port, profile: spec.profile, replica: pending };
      this.#slots.set(id, created);
      pending.then(
        (replica) => (created.ready = replica),
        () => {
          if (this.#slots.get(id) === created) this.#slots.delete(id);
        },
      );
      slot = created;
    }
    const replica = await slot.replica;
    replica.runs.add(runId);
    if (spec.keepWarm && !replica.keepWarm) {
      replica.keepWarm = true;
      this.#record(replica);
    }
    return replica;
  }

  async #bringUp(id: string, spec: ServedModel, hostName: string, port: number, log: ServerLog, signal: AbortSignal): Promise<Replica> {
    const host = this.#options.host(hostName);
    const launch: ModelServerSpec = {
      engine: spec.engine,
      model: spec.model,
      port,
      ...(spec.tensorParallel !== undefined && { tensorParallel: spec.tensorParallel }),
      ...(spec.maxModelLen !== undefined && { maxModelLen: spec.maxModelLen }),
      ...(spec.limitMmPerPrompt !== undefined && { limitMmPerPrompt: spec.limitMmPerPrompt }),
      extraArgs: spec.extraArgs,
      readyTimeoutMs: spec.readyTimeoutSec * 1000,
      signal,
      ...(this.#options.pollMs !== undefined && { pollMs: this.#options.pollMs }),
    };
    const reattached = await this.#reattach(id, host, launch, log);
    if (reattached) return reattached;

    log('info', `starting ${spec.engine} for ${spec.model} on "${hostName}" (port ${port})`);
    const startedAt = Date.now();
    const replica = (server: RunningModelServer): Replica => ({
      id,
      host: hostName,
      spec,
      server,
      keepWarm: spec.keepWarm,
      startedAt,
      runs: new Set(),
    });
    const server = await startModelServer(host, {
      ...launch,
      onJob: (job) =>
        this.#options.records.put({ id, host: hostName, jobId: job.id, spec, keepWarm: spec.keepWarm, startedAt }),
    }).catch((error: unknown) => {
      this.#options.records.delete(id);
      throw error;
    });
    log('info', `${spec.engine} on "${hostName}" is ready after ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${server.baseURL})`);
    return replica(server);
  }

  /** The server an earlier session left running for this replica, if it still answers. */
  async #reattach(id: string, host: HostHandle, launch: ModelServerSpec, log: ServerLog): Promise<Replica | undefined> {
    const record = this.#options.records.get(id);
    if (!record) return undefined;
    try {
      const job = await host.attachJob(record.jobId);
      if ((await job.status()).state === 'running') {
        const server = await attachModelServer(host, job, { ...launch, readyTimeoutMs: REATTACH_TIMEOUT_MS });
        log('info', `re-attached to ${launch.engine} on "${record.host}" (job ${job.id}, ${server.baseURL})`);
        return { id, host: record.host, spec: record.spec, server, keepWarm: record.keepWarm, startedAt: record.startedAt, runs: new Set() };
      }
    } catch (error) {
      log('warn', `could not re-attach to the server job ${record.jobId} on "${record.host}" (${(error as Error).message}); starting a new one`);
    }
    this.#options.records.delete(id);
    return undefined;
  }

  async #release(runId: string, onError: (replica: Replica, error: unknown) => void): Promise<void> {
    const idle: Replica[] = [];
    for (const slot of this.#slots.values()) {
      const replica = slot.ready;
      if (!replica?.runs.delete(runId)) continue;
      if (replica.runs.size === 0 && !replica.keepWarm) idle.push(replica);
    }
    await Promise.all(idle.map((replica) => this.#shutDown(replica).catch((error: unknown) => onError(replica, error))));
  }

  async #shutDown(replica: Replica): Promise<void> {
    this.#slots.delete(replica.id);
    await replica.server.stop();
    this.#options.records.delete(replica.id);
  }

  #record(replica: Replica): void {
    const { id, host, spec, keepWarm, startedAt } = replica;
    this.#options.records.put({ id, host, jobId: replica.server.job.id, spec, keepWarm, startedAt });
  }
}

function info(
  replica: Pick<Replica, 'id' | 'host' | 'spec' | 'keepWarm' | 'startedAt'>,
  baseURL: string | null,
  runIds: string[],
): ModelServerInfo {
  const { id, host, spec, keepWarm, startedAt } = replica;
  return { id, profile: spec.profile, engine: spec.engine, model: spec.model, host, baseURL, keepWarm, runIds, startedAt };
}
