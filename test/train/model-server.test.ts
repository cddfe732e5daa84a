import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../../main/hosts/job-store.ts';
import { SshHost } from '../../main/hosts/ssh-host.ts';
import { modelServerArgv, publishProfile, startModelServer } from '../../main/model-servers/index.ts';
import { freePort, sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';

describe.skipIf(!sshdAvailable())('model servers over SSH', () => {
  let sshd: TestSshd;
  let host: SshHost;
  let dataDir: string;

  beforeAll(async () => {
    sshd = await startSshd();
    dataDir = mkdtempSync(join(tmpdir(), 'rewatch-model-server-'));
    host = new SshHost({ name: 'box', login: sshd.login(), jobStore: JobStore.forDataDir(dataDir) });
  });
  afterAll(async () => {
    await host?.close();
    await sshd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts vllm as a job, waits until it is ready and answers through the forwarded port', async () => {
    const port = await freePort();
    const server = await startModelServer(host, { engine: 'vllm', model: 'ckpt/global step 3', port, tensorParallel: 2, pollMs: 100 });
    try {
      expect(server.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(server.baseURL).not.toContain(`:${port}/`);
      const models = (await (await fetch(`${server.baseURL}/models`)).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((m) => m.id)).toEqual(['ckpt/global step 3']);

      const profile = publishProfile(server, 'rewatch-ckpt');
      expect(profile).toMatchObject({ name: 'rewatch-ckpt', baseURL: server.baseURL, model: 'ckpt/global step 3' });
      const reply = await fetch(`${profile.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: profile.model, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const body = (await reply.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]!.message.content).toBe(`model=ckpt/global step 3 limit={"video": 1} port=${port} said=hi`);
      expect((await server.job.status()).state).toBe('running');
    } finally {
      await server.stop();
    }
    expect(await server.job.status()).toEqual({ state: 'exited', code: 143 });
  });

  it('fails with the log when the server exits before it is ready', async () => {
    const port = await freePort();
    await expect(startModelServer(host, { engine: 'vllm', model: 'm', port, extraArgs: ['--bogus'], pollMs: 100 }))
      .rejects.toThrow(/vllm on box exited \(1\) before it was ready:[\s\S]*ValueError: --bogus/);
  });

  it('builds the sglang command', () => {
    expect(modelServerArgv({ engine: 'sglang', model: 'm', port: 30000, tensorParallel: 4, maxModelLen: 32768 })).toEqual([
      'python3', '-m', 'sglang.launch_server', '--model-path', 'm', '--port', '30000', '--tp', '4', '--context-length', '32768',
    ]);
  });
});
