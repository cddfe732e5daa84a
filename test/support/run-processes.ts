/**
 * `rewatch run` in processes of their own on one data dir, for tests of concurrent runs and of runs killed with
 * `kill -9`; and a look at that data dir's store (writing nothing) while they run, to wait on states, not on time.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphFileText } from '../../main/graph/canonical.ts';
import { pipelineGraph, writeJsonl } from './engine-fixture.ts';

/** Where the test profile reads its API key: each process sends its own, so the server can tell whose request it is. */
const KEY_ENV = 'REWATCH_TEST_KEY';

export interface RunSetup {
  graphPath: string;
  providersPath: string;
  dataDir: string;
}

/** The three-node pipeline over `items` records (`{n}`), keeping every answer, against `baseURL` as "test-llm". */
export function writeRunSetup(dir: string, items: number, baseURL: string, concurrency = 8): RunSetup {
  const input = writeJsonl(join(dir, 'in.jsonl'), Array.from({ length: items }, (_, n) => ({ n })));
  const graphPath = join(dir, 'graph.rewatch.json');
  writeFileSync(graphPath, graphFileText(pipelineGraph(input, join(dir, 'out.jsonl'), { threshold: items + 1 })));
  const providersPath = join(dir, 'providers.json');
  const profile = { name: 'test-llm', baseURL, model: 'm', apiKeyEnv: KEY_ENV, maxConcurrency: concurrency, timeoutMs: 600_000 };
  writeFileSync(providersPath, JSON.stringify({ providers: [profile] }));
  return { graphPath, providersPath, dataDir: join(dir, 'data') };
}

export interface RunProcess {
  child: ChildProcess;
  /** The exit code, or -1 when a signal ended it. */
  exited: Promise<number>;
  /** stdout and stderr so far. */
  output(): string;
}

/** `rewatch run` of the setup's graph, sending `key` as its API key. */
export function startRunProcess(setup: RunSetup, key: string): RunProcess {
  const child = spawn(
    process.execPath,
    ['scripts/rewatch.mjs', 'run', setup.graphPath, '--data-dir', setup.dataDir, '--providers', setup.providersPath],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [KEY_ENV]: key } },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(signal ? -1 : (code ?? -1))));
  return { child, exited, output: () => output };
}

/** Queries the data dir's store (once the first process has created it) without writing to it. */
export function storeQuery<T>(dataDir: string, query: (db: Database.Database) => T): T | undefined {
  const path = join(dataDir, 'rewatch.db');
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return query(db);
  } catch (error) {
    // The first process may not have created the tables yet.
    if (error instanceof Error && /no such table/.test(error.message)) return undefined;
    throw error;
  } finally {
    db.close();
  }
}

/** Runs whose process has recorded them as running. */
export function runningRuns(dataDir: string): Array<{ id: string; pid: number }> {
  return storeQuery(dataDir, (db) => db.prepare("SELECT id, pid FROM runs WHERE status = 'running'").all() as Array<{ id: string; pid: number }>) ?? [];
}

/** A run's LLM calls as its ledger (`llm_calls`) holds them, per node. */
export function ledgerTotals(dataDir: string, runId: string) {
  return (
    storeQuery(
      dataDir,
      (db) =>
        db
          .prepare(
            `SELECT node_id AS nodeId, count(*) AS llmCalls, sum(cached) AS llmCached, sum(prompt_tokens) AS tokensIn,
             sum(completion_tokens) AS tokensOut FROM llm_calls WHERE run_id = ? GROUP BY node_id`,
          )
          .all(runId) as Array<{ nodeId: string; llmCalls: number; llmCached: number; tokensIn: number; tokensOut: number }>,
    ) ?? []
  );
}
