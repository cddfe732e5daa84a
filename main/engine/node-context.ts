import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../api/contract.ts';
import type { LlmClient, LlmScope } from '../llm/client.ts';
import { mediaTools } from '../media/ffmpeg.ts';
import type { RunStore } from '../store/index.ts';
import type {
  FingerprintContext,
  HostHandle,
  Logger,
  NodeContext,
  NodeStorage,
  RewardService,
} from '../../nodes/sdk/index.ts';

interface ContextDeps {
  store: RunStore;
  llm: LlmClient;
  host: HostHandle;
  reward: RewardService;
  emit(event: RunEvent): void;
}

function nodeStorage(store: RunStore, workDir: string): NodeStorage {
  return {
    get workDir() {
      mkdirSync(workDir, { recursive: true });
      return workDir;
    },
    putBlob: (data, mime) => store.blobs.put(data, mime),
    blobPath: (hash) => store.blobs.path(hash),
    fileHash: (path, signal) => store.blobs.fileHash(path, signal),
    remember: (key, compute) => store.remembered.remember(key, compute),
  };
}

/** What a node's `fingerprint` sees: its host, ffmpeg there and storage; no LLM, since fingerprints must be cheap. */
export function createFingerprintContext(
  store: RunStore,
  host: HostHandle,
  workDir: string,
  signal: AbortSignal,
  log: Logger,
): FingerprintContext {
  return { storage: nodeStorage(store, workDir), media: mediaTools(host), host, log, signal };
}

export function createNodeContext(
  deps: ContextDeps,
  scope: LlmScope,
  onProgress: (done: number, total?: number) => void,
): NodeContext {
  const { runId, nodeId, signal } = scope;
  const log = (level: 'info' | 'warn' | 'error') => (message: string) =>
    deps.emit({ type: 'node-log', runId, nodeId, level, message });
  const logger = { info: log('info'), warn: log('warn'), error: log('error') };
  return {
    ...createFingerprintContext(deps.store, deps.host, join(deps.store.dataDir, 'work', runId, nodeId), signal, logger),
    runId,
    nodeId,
    llm: deps.llm.gateway(scope),
    progress: { update: onProgress },
    metrics: {
      record(point) {
        deps.emit({ type: 'node-metric', runId, nodeId, metric: deps.store.metrics.append(runId, nodeId, point) });
      },
    },
    reward: deps.reward,
  };
}
