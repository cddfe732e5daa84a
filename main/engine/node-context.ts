import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../api/contract.ts';
import type { LlmClient } from '../llm/client.ts';
import { mediaTools } from '../media/ffmpeg.ts';
import type { RunStore } from '../store/index.ts';
import type { HostHandle, NodeContext, NodeStorage, RewardService } from '../../nodes/sdk/index.ts';

export interface ContextDeps {
  store: RunStore;
  llm: LlmClient;
  host: HostHandle;
  reward: RewardService;
  emit(event: RunEvent): void;
}

export function nodeStorage(store: RunStore, workDir: string): NodeStorage {
  return {
    get workDir() {
      mkdirSync(workDir, { recursive: true });
      return workDir;
    },
    putBlob: (data, mime) => store.blobs.put(data, mime),
    blobPath: (hash) => store.blobs.path(hash),
    fileHash: (path) => store.blobs.fileHash(path),
  };
}

export function createNodeContext(
  deps: ContextDeps,
  scope: { runId: string; nodeId: string; signal: AbortSignal; useCache: boolean },
  onProgress: (done: number, total?: number) => void,
): NodeContext {
  const { runId, nodeId, signal } = scope;
  const log = (level: 'info' | 'warn' | 'error') => (message: string) =>
    deps.emit({ type: 'node-log', runId, nodeId, level, message });
  return {
    runId,
    nodeId,
    signal,
    llm: deps.llm.gateway(scope),
    media: mediaTools(deps.host),
    host: deps.host,
    storage: nodeStorage(deps.store, join(deps.store.dataDir, 'work', runId, nodeId)),
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    progress: { update: onProgress },
    reward: deps.reward,
  };
}
