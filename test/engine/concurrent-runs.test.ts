import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { openEngine, tempDir } from '../support/engine-fixture.ts';
import { until } from '../support/until.ts';
import { runningRuns, startRunProcess, writeRunSetup, type RunSetup } from '../support/run-processes.ts';

const ITEMS = 2000;
/** Requests each process may have in flight (its profile's `maxConcurrency`). */
const CONCURRENCY = 8;
/** A safety net for a loaded machine, not a measurement: nothing here waits on time. */
const TIMEOUT_MS = 240_000;

function promptOf(request: Pick<ScriptedChatRequest, 'messages'>): string {
  return String(request.messages.at(-1)?.content);
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Prompts the server received more than once. */
function repeated(prompts: readonly string[]): string[] {
  return [...countBy(prompts)].filter(([, n]) => n > 1).map(([prompt]) => prompt);
}

describe('two runs of one graph on one data dir', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let setup: RunSetup;
  let openGate!: () => void;
  let gate: Promise<void>;
  /** Prompts answered, in order; requests held by `holdWhen` are never answered. */
  let answered: string[];
  let holdWhen: (request: ScriptedChatRequest) => boolean;
  let held: string[];
  let releaseHeld: () => void;

  beforeEach(async () => {
    dir = tempDir();
    gate = new Promise((resolve) => (openGate = resolve));
    answered = [];
    held = [];
    holdWhen = () => false;
    const heldForever = new Promise<void>((resolve) => (releaseHeld = resolve));
    server = await startScriptedLlmServer({
      respond: async (request) => {
        await gate;
        if (holdWhen(request)) {
          held.push(promptOf(request));
          await heldForever;
          throw new Error('released at teardown');
        }
        answered.push(promptOf(request));
        return `answer to ${promptOf(request)}`;
      },
    });
    setup = writeRunSetup(dir.path, ITEMS, server.baseURL, CONCURRENCY);
  });

  afterEach(async () => {
    releaseHeld();
    await server.close();
    dir.remove();
  });

  /** Starts two runs together and lets the server answer once both are running, so neither ends before the other starts. */
  async function startBoth() {
    const first = startRunProcess(setup, 'first');
    const second = startRunProcess(setup, 'second');
    await until(() => runningRuns(setup.dataDir).length === 2);
    const runOf = (pid: number | undefined) => runningRuns(setup.dataDir).find((run) => run.pid === pid)!.id;
    const runIds = { first: runOf(first.child.pid), second: runOf(second.child.pid) };
    openGate();
    return { processes: { first, second }, runIds };
  }

  it('pays for each request once, and both runs end done with equal outputs', async () => {
    const { first, second } = (await startBoth()).processes;
    expect(await first.exited, first.output()).toBe(0);
    expect(await second.exited, second.output()).toBe(0);

    const sent = server.requests.map(promptOf);
    expect(repeated(sent)).toEqual([]);
    expect(new Set(answered).size).toBe(ITEMS);
    expect(answered).toHaveLength(ITEMS);
    // Which process paid for which item is up to the scheduler (the second may share the items or wait on the first's
    // leases): either way, every item was paid once, by one of the two.

    const engine = openEngine(setup.dataDir);
    try {
      const runs = await engine.listRuns();
      expect(runs.map((r) => r.status)).toEqual(['done', 'done']);
      const outputs = await Promise.all(runs.map((r) => engine.nodeOutput(r.runId, 'ask', 'items', { limit: ITEMS })));
      expect(outputs[0]!.total).toBe(ITEMS);
      expect(outputs[0]!.items).toEqual(outputs[1]!.items);
      const paid = runs.map((r) => r.totals.llmCalls - r.totals.llmCached);
      expect(paid[0]! + paid[1]!).toBe(ITEMS);
    } finally {
      await engine.close();
    }
  }, TIMEOUT_MS);

  it('when one is killed with kill -9, the other takes over its leases and finishes', async () => {
    // Once 300 answers are out, the next process to ask is the one killed: its requests from then on are held, in
    // flight, whichever of the two the scheduler let claim them.
    let victim: 'first' | 'second' | undefined;
    holdWhen = (request) => {
      if (answered.length < 300) return false;
      victim ??= request.authorization === 'Bearer first' ? 'first' : 'second';
      return request.authorization === `Bearer ${victim}`;
    };
    const { processes, runIds } = await startBoth();
    // Killed with requests in flight.
    await until(() => held.length > 0);
    const killed = victim!;
    const survivor = killed === 'first' ? 'second' : 'first';
    processes[killed].child.kill('SIGKILL');
    expect(await processes[killed].exited).toBe(-1);
    expect(await processes[survivor].exited, processes[survivor].output()).toBe(0);
    const killedRunId = runIds[killed];

    // Only requests the killed process had in flight were sent again: each repeated prompt was first sent by it, sent
    // twice at most, and there are no more of them than it may have in flight (its profile's concurrency). Those are
    // the held ones, and any whose answer was on the wire when it died (answered, but never cached by it).
    const firstSender = new Map<string, string>();
    for (const request of server.requests) if (!firstSender.has(promptOf(request))) firstSender.set(promptOf(request), String(request.authorization));
    const sent = server.requests.map(promptOf);
    const resent = repeated(sent);
    expect(resent.filter((prompt) => firstSender.get(prompt) !== `Bearer ${killed}`)).toEqual([]);
    expect([...countBy(sent).values()].every((n) => n <= 2)).toBe(true);
    expect(resent.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(held.every((prompt) => resent.includes(prompt))).toBe(true);
    expect(repeated(answered).every((prompt) => resent.includes(prompt))).toBe(true);
    expect(new Set(answered).size).toBe(ITEMS);

    const engine = openEngine(setup.dataDir);
    try {
      const runs = await engine.listRuns();
      expect(runs.find((r) => r.runId === killedRunId)?.status).toBe('interrupted');
      const finished = runs.find((r) => r.runId !== killedRunId)!;
      expect(finished.status).toBe('done');
      const output = await engine.nodeOutput(finished.runId, 'ask', 'items', { limit: ITEMS });
      expect(output.total).toBe(ITEMS);
      expect(output.items.map((item) => (item.data as { n: number }).n)).toEqual(Array.from({ length: ITEMS }, (_, n) => n));
    } finally {
      await engine.close();
    }
  }, TIMEOUT_MS);
});
