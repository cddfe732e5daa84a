import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine.ts';
import { createHostResolver, type SshHostConfig } from '../../main/hosts/index.ts';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import { catalog, profile, tempDir } from '../support/engine-fixture.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { FAKE_TOOLS_DIR, freePort, sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';

const FAKE_GPUS = [
  { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, utilization: 37 },
  { name: 'NVIDIA GeForce RTX 4090', memoryMiB: 24564, utilization: null },
];

function openEngine(dataDir: string, options: { hosts?: SshHostConfig[]; providers?: ProviderProfile[] }): Engine {
  return new Engine({
    dataDir,
    catalog,
    providers: options.providers ?? [],
    hosts: createHostResolver({ hosts: options.hosts ?? [] }, { dataDir }),
  });
}

/** A fresh ed25519 key pair; returns the private key path and the public key as `type base64`. */
function newKey(dir: string, name: string): { path: string; publicKey: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path], { stdio: 'ignore' });
  return { path, publicKey: readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ') };
}

describe('testHost on this machine', () => {
  const dir = tempDir();
  let engine: Engine;
  const path = process.env.PATH;

  beforeAll(() => {
    // The fake nvidia-smi reports two GPUs, so the parsed list is known.
    process.env.PATH = `${FAKE_TOOLS_DIR}:${path}`;
    engine = openEngine(dir.path, {});
  });

  afterAll(async () => {
    process.env.PATH = path;
    await engine.close();
    dir.remove();
  });

  it('reports the OS, the free disk of the work dir and the GPUs', async () => {
    const result = await engine.testHost('local');
    expect(result).toMatchObject({ host: 'local', kind: 'local', gpus: FAKE_GPUS });
    expect(result.os).toBe(execFileSync('uname', ['-srm'], { encoding: 'utf8' }).trim());
    expect(result.freeDiskBytes).toBeGreaterThan(0);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('answers an unknown host with 404 naming the known ones', async () => {
    await expect(engine.testHost('gpu-box')).rejects.toMatchObject({
      status: 404,
      message: expect.stringMatching(/no host "gpu-box" \(known: local\).*hosts\.yaml/),
    });
  });
});

describe.skipIf(!sshdAvailable())('testHost over SSH', () => {
  const dir = tempDir();
  let sshd: TestSshd;
  let engine: Engine;

  beforeAll(async () => {
    sshd = await startSshd();
    const stranger = newKey(dir.path, 'stranger');
    const wrongKnownHosts = join(dir.path, 'known_hosts_other_key');
    writeFileSync(wrongKnownHosts, `[127.0.0.1]:${sshd.port} ${newKey(dir.path, 'old-host-key').publicKey}\n`);
    const ssh = (name: string, overrides: Partial<ReturnType<TestSshd['login']>> = {}): SshHostConfig => ({
      name,
      kind: 'ssh',
      ...sshd.login(overrides),
    });
    engine = openEngine(join(dir.path, 'data'), {
      hosts: [
        ssh('gpu-box'),
        ssh('moved-box', { knownHostsPath: wrongKnownHosts }),
        ssh('locked-box', { privateKeyPath: stranger.path }),
        ssh('gone-box', { port: await freePort() }),
      ],
    });
  });

  afterAll(async () => {
    await engine?.close();
    await sshd?.stop();
    dir.remove();
  });

  it('reports the OS, free disk and the GPUs of the remote nvidia-smi', async () => {
    const result = await engine.testHost('gpu-box');
    expect(result).toMatchObject({ host: 'gpu-box', kind: 'ssh', gpus: FAKE_GPUS });
    expect(result.os).toMatch(/^Linux \S+ \S+$/);
    expect(result.freeDiskBytes).toBeGreaterThan(0);
  });

  it('refuses a changed host key with 502 and the man-in-the-middle warning', async () => {
    const error = await engine.testHost('moved-box').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502 });
    expect((error as Error).message).toMatch(/^host "moved-box": WARNING: THE HOST KEY OF \[127\.0\.0\.1\]:\d+ HAS CHANGED!/);
    expect((error as Error).message).toContain('ssh-keygen -R');
  });

  it('reports a refused login with 502 naming the host and the key', async () => {
    const error = await engine.testHost('locked-box').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502 });
    expect((error as Error).message).toMatch(/^host "locked-box": locked-box \(.*\) refused the login with the key .*stranger/);
  });

  it('reports a refused connection with 502 naming the host', async () => {
    const error = await engine.testHost('gone-box').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502 });
    expect((error as Error).message).toMatch(/^host "gone-box": cannot connect to gone-box .*ECONNREFUSED/);
  });
});

describe('testProvider', () => {
  const dir = tempDir();
  let answering: ScriptedLlmServer;
  let failing: ScriptedLlmServer;
  let hanging: ScriptedLlmServer;
  let refusedURL: string;
  let engine: Engine;

  beforeAll(async () => {
    answering = await startScriptedLlmServer({ respond: () => '<think>The user wants one word.</think>ok' });
    failing = await startScriptedLlmServer({ respond: () => 'ok', faults: { failFirst: ['500'] } });
    hanging = await startScriptedLlmServer({ respond: () => 'ok', faults: { rateHang: 1 } });
    refusedURL = `http://127.0.0.1:${await freePort()}/v1`;
    engine = openEngine(join(dir.path, 'data'), {
      providers: [
        profile('echo-llm', answering.baseURL, { model: 'qwen-test' }),
        profile('broken-llm', failing.baseURL),
        profile('slow-llm', hanging.baseURL, { timeoutMs: 300 }),
        profile('nowhere-llm', refusedURL),
      ],
    });
  });

  afterAll(async () => {
    await engine?.close();
    await Promise.all([answering, failing, hanging].map((server) => server?.close()));
    dir.remove();
  });

  it('sends one short chat request and reports the served model, the reply and the latency', async () => {
    const result = await engine.testProvider('echo-llm');
    expect(result).toMatchObject({ provider: 'echo-llm', model: 'qwen-test', servedModel: 'qwen-test', reply: 'ok' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(answering.requests).toHaveLength(1);
    const [request] = answering.requests;
    expect(request!.body).toMatchObject({ model: 'qwen-test', max_tokens: 16, temperature: 0 });
    expect(request!.messages).toEqual([{ role: 'user', content: 'Reply with the word ok.' }]);
  });

  it('asks the server again on every test: nothing is served from the cache', async () => {
    await engine.testProvider('echo-llm');
    expect(answering.requests).toHaveLength(2);
  });

  it('reports an HTTP error with 502 naming the profile and its endpoint, after a single attempt', async () => {
    const error = await engine.testProvider('broken-llm').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502 });
    expect((error as Error).message).toBe(`provider profile "broken-llm" at ${failing.baseURL}: HTTP 500: 500 internal error (scripted)`);
    expect(failing.requests).toHaveLength(1);
  });

  it('reports a refused connection and a timeout with 502', async () => {
    await expect(engine.testProvider('nowhere-llm')).rejects.toMatchObject({
      status: 502,
      message: expect.stringMatching(new RegExp(`^provider profile "nowhere-llm" at ${refusedURL}: connection failed`)),
    });
    await expect(engine.testProvider('slow-llm')).rejects.toMatchObject({
      status: 502,
      message: `provider profile "slow-llm" at ${hanging.baseURL}: no reply within 300 ms`,
    });
  });

  it('answers an unknown profile with 404 naming the known ones', async () => {
    await expect(engine.testProvider('gpt-9')).rejects.toMatchObject({
      status: 404,
      message: expect.stringMatching(/no provider profile "gpt-9" \(known: echo-llm, broken-llm, slow-llm, nowhere-llm\).*providers\.yaml/),
    });
  });

  it('left no row in the LLM cache and no call in the ledger', () => {
    engine.store.flush();
    const db = new Database(join(dir.path, 'data', 'rewatch.db'), { readonly: true });
    try {
      const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      expect(count('llm_cache')).toBe(0);
      expect(count('llm_calls')).toBe(0);
    } finally {
      db.close();
    }
  });
});
