import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunInfo } from '../../main/api/contract.ts';
import { createApiServer, createToken } from '../../main/server/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { openEngine, tempDir } from '../support/engine-fixture.ts';
import { until } from '../support/until.ts';
import { ledgerTotals, runningRuns, startRunProcess, writeRunSetup } from '../support/run-processes.ts';

const ITEMS = 120;
const ANSWER_FIRST = 50;

describe('the history of a run killed with kill -9', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let releaseHeld: () => void;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(async () => {
    releaseHeld();
    await server.close();
    dir.remove();
  });

  it('shows the LLM calls and tokens its ledger holds, in the runs list, the run detail, the API and the CLI', async () => {
    const heldForever = new Promise<void>((resolve) => (releaseHeld = resolve));
    let answered = 0;
    let held = 0;
    server = await startScriptedLlmServer({
      respond: async (request) => {
        if (answered >= ANSWER_FIRST) {
          held += 1;
          await heldForever;
          throw new Error('released at teardown');
        }
        answered += 1;
        return `answer to ${String(request.messages.at(-1)?.content)}`;
      },
    });
    const setup = writeRunSetup(dir.path, ITEMS, server.baseURL, 4);
    const run = startRunProcess(setup, 'key');
    await until(() => runningRuns(setup.dataDir).length === 1);
    const runId = runningRuns(setup.dataDir)[0]!.id;
    await until(() => held > 0 && ledgerTotals(setup.dataDir, runId).some((node) => node.llmCalls >= ANSWER_FIRST));
    run.child.kill('SIGKILL');
    expect(await run.exited).toBe(-1);

    const [ledger] = ledgerTotals(setup.dataDir, runId);
    expect(ledger).toMatchObject({ nodeId: 'ask', llmCalls: ANSWER_FIRST, llmCached: 0 });
    const expected = { llmCalls: ledger!.llmCalls, llmCached: 0, tokensIn: ledger!.tokensIn, tokensOut: ledger!.tokensOut };
    expect(expected.tokensIn).toBeGreaterThan(0);

    const engine = openEngine(setup.dataDir);
    const token = createToken();
    const api = await createApiServer({ engine, token, resolveMedia: () => undefined }).listen();
    try {
      const [listed] = await engine.listRuns();
      expect(listed).toMatchObject({ runId, status: 'interrupted', totals: expected });
      const detail = await engine.getRun(runId);
      expect(detail.totals).toMatchObject(expected);
      expect(detail.nodes.find((node) => node.nodeId === 'ask')).toMatchObject(expected);
      const served = (await (await fetch(`${api.url}/api/runs/${runId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as RunInfo;
      expect(served.totals).toMatchObject(expected);
    } finally {
      await api.close();
      await engine.close();
    }

    const cli = await promisify(execFile)(process.execPath, ['scripts/rewatch.mjs', 'runs', '--json', '--data-dir', setup.dataDir]);
    expect((JSON.parse(cli.stdout) as RunInfo[])[0]).toMatchObject({ runId, totals: expected });
  });
});
