import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { openEngine, pipelineGraph, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { until } from '../support/until.ts';

const ITEMS = 120;
const KILL_AFTER = 50;

/** How many item results of a node type the run store has committed (read beside the running process). */
function committedItems(dataDir: string, nodeType: string): number {
  if (!existsSync(join(dataDir, 'rewatch.db'))) return 0;
  const db = new Database(join(dataDir, 'rewatch.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM item_outputs WHERE node_type = ?').get(nodeType) as { n: number }).n;
  } finally {
    db.close();
  }
}

function promptOf(messages: { content: unknown }[]): string {
  return String(messages.at(-1)?.content);
}

describe('resume after kill -9', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let release: () => void = () => {};

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(async () => {
    release();
    await server?.close();
    dir.remove();
  });

  it('the second run requests none of the answers the killed run received', async () => {
    const answered: string[] = [];
    let phase: 'first' | 'hold' | 'second' = 'first';
    const held = new Promise<void>((resolve) => (release = resolve));
    let reachedKillPoint!: () => void;
    const killPoint = new Promise<void>((resolve) => (reachedKillPoint = resolve));

    server = await startScriptedLlmServer({
      latencyMs: 5,
      respond: async (request) => {
        if (phase === 'hold') {
          await held; // never answered: the process is killed while these are in flight
          throw new Error('released at teardown');
        }
        answered.push(promptOf(request.messages));
        if (phase === 'first' && answered.length >= KILL_AFTER) {
          phase = 'hold';
          reachedKillPoint();
        }
        return 'ok';
      },
    });

    const input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: ITEMS }, (_, n) => ({ n })));
    const graphPath = join(dir.path, 'graph.rewatch.json');
    writeFileSync(graphPath, graphFileText(pipelineGraph(input, join(dir.path, 'out.jsonl'), { threshold: 1000 })));
    const providersPath = join(dir.path, 'providers.json');
    writeFileSync(
      providersPath,
      JSON.stringify({ providers: [{ name: 'test-llm', baseURL: server.baseURL, model: 'm', maxConcurrency: 4, timeoutMs: 60_000 }] }),
    );
    const dataDir = join(dir.path, 'data');
    const cli = (...args: string[]) =>
      spawn(process.execPath, ['scripts/rewatch.mjs', 'run', graphPath, '--data-dir', dataDir, '--providers', providersPath, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    const first = cli();
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', (_code, signal) => resolve(signal ? -1 : _code)));
    await killPoint;
    await until(() => committedItems(dataDir, 'core.llm-map') === KILL_AFTER, 'the first run to commit every answer it received');
    first.kill('SIGKILL');
    expect(await firstExit).toBe(-1);
    const answeredBeforeKill = new Set(answered);
    expect(answeredBeforeKill.size).toBe(KILL_AFTER);

    phase = 'second';
    const requestsBefore = server.requests.length;
    const second = cli();
    let output = '';
    second.stdout.on('data', (chunk) => (output += chunk));
    second.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code, output).toBe(0);

    const secondPrompts = server.requests.slice(requestsBefore).map((r) => promptOf(r.messages));
    expect(secondPrompts.filter((p) => answeredBeforeKill.has(p))).toEqual([]);
    expect(secondPrompts).toHaveLength(ITEMS - KILL_AFTER);
    expect(new Set(answered).size).toBe(ITEMS);
    expect(answered).toHaveLength(ITEMS);

    const engine = openEngine(dataDir);
    try {
      const runs = await engine.listRuns();
      expect(runs.map((r) => r.status)).toEqual(['done', 'interrupted']);
      const last = await engine.getRun(runs[0]!.runId);
      expect(last.nodes.find((n) => n.nodeId === 'ask')).toMatchObject({ itemsCached: KILL_AFTER, itemsTotal: ITEMS });
    } finally {
      await engine.close();
    }
  });
});
