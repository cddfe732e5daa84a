import { execFileSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostKeyError } from '../../main/hosts/known-hosts.ts';
import { SshHost } from '../../main/hosts/ssh-host.ts';
import { sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';
import { until } from '../support/until.ts';
import { NASTY_ARGS } from './nasty-args.ts';

const available = sshdAvailable();

/** An SshHost whose TCP sockets the test can cut. */
function hostFor(sshd: TestSshd, overrides: Parameters<TestSshd['login']>[0] = {}) {
  const sockets: net.Socket[] = [];
  const host = new SshHost({
    name: 'box',
    login: sshd.login(overrides),
    connectSocket: (h, p) => {
      const socket = net.connect(p, h);
      sockets.push(socket);
      return socket;
    },
  });
  return { host, cut: () => sockets.forEach((s) => s.destroy()) };
}

function httpServer(reply: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => res.end(`${reply} ${req.method} ${req.url}`));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

describe.skipIf(!available)('SshHost against a real sshd', () => {
  let sshd: TestSshd;
  let box: ReturnType<typeof hostFor>;
  let local: string;

  beforeAll(async () => {
    sshd = await startSshd();
    box = hostFor(sshd);
    local = mkdtempSync(join(tmpdir(), 'rewatch-ssh-local-'));
  });

  afterAll(async () => {
    await box?.host.close();
    await sshd?.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it('passes every argument literally: $(…), backticks, ;, quotes, newlines, *, spaces', async () => {
    const result = await box.host.exec(['printf', '%s\\0', ...NASTY_ARGS]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString('utf8').split('\0').slice(0, -1)).toEqual(NASTY_ARGS);
    for (const arg of NASTY_ARGS) {
      const one = await box.host.exec(['sh', '-c', 'printf %s "$1"', 'sh', arg]);
      expect(one.stdout.toString('utf8')).toBe(arg);
    }
    expect(existsSync('/tmp/rewatch-pwned')).toBe(false);
  });

  it('runs in cwd with env, feeds stdin, and reports exit codes', async () => {
    const odd = join(sshd.workDir, "dir with 'quote' $(x) and ;");
    await box.host.exec(['mkdir', '-p', odd]);
    const result = await box.host.exec(['sh', '-c', 'pwd; printf "%s\\n" "$V"; cat'], {
      cwd: odd,
      env: { V: '`id` $(id) ; *' },
      stdin: 'from stdin',
    });
    expect(result.stdout.toString('utf8')).toBe(`${odd}\n\`id\` $(id) ; *\nfrom stdin`);
    expect((await box.host.exec(['sh', '-c', 'echo oops >&2; exit 7'])).exitCode).toBe(7);
    const missing = await box.host.exec(['no-such-program-here']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
  });

  it('aborting a command stops it on the host', async () => {
    // A sleep longer than the wait's deadline, with arguments no other process has: only the abort can end it.
    const args = `sleep 600.${randomBytes(4).readUInt32BE()}`;
    const alive = () => new RegExp(`^[^Z]\\S*\\s+${args.replace('.', '\\.')}$`, 'm').test(execFileSync('ps', ['-eo', 'stat,args']).toString());
    const controller = new AbortController();
    const running = box.host.exec(['sh', '-c', `exec ${args}`], { signal: controller.signal });
    await until(alive, `${args} to start on the host`);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => !alive(), `${args} to be stopped by the abort`);
  });

  it('reconnects on the next use after the connection drops', async () => {
    await box.host.exec(['true']);
    const before = box.host.connection.connects;
    box.cut();
    await until(() => !box.host.connection.connected, 'the cut connection to close');
    const result = await box.host.exec(['echo', 'back']);
    expect(result.stdout.toString()).toBe('back\n');
    expect(box.host.connection.connects).toBe(before + 1);
  });

  it('refuses a host key that is not in known_hosts, saying how to add it', async () => {
    const empty = join(local, 'empty_known_hosts');
    writeFileSync(empty, '');
    const stranger = new SshHost({ name: 'box', login: sshd.login({ knownHostsPath: empty }) });
    const error = await stranger.exec(['true']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).verdict).toBe('unknown');
    expect((error as Error).message).toContain(`ssh-keyscan -p ${sshd.port} 127.0.0.1 >> ${empty}`);
    await stranger.close();
  });

  it('accepts the key from a hashed known_hosts (ssh-keygen -H)', async () => {
    const hashed = join(local, 'hashed_known_hosts');
    writeFileSync(hashed, `other.example ${sshd.hostPublicKey}\n${sshd.knownHostsLine}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed], { stdio: 'ignore' });
    const host = new SshHost({ name: 'box', login: sshd.login({ knownHostsPath: hashed }) });
    expect((await host.exec(['echo', 'ok'])).stdout.toString()).toBe('ok\n');
    await host.close();
  });

  it('uploads a file once per content hash, verified, and skips it when it is already there', async () => {
    const file = join(local, 'clip.bin');
    const data = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(file, data);
    const hash = createHash('sha256').update(data).digest('hex');
    const { stats } = box.host;
    const remote = await box.host.ensureFile(file);
    expect(remote).toBe(`${sshd.workDir}/blobs/${hash}`);
    expect(stats.uploads).toBe(1);
    const writes = stats.sftpWrites;
    expect(writes).toBeGreaterThan(0);
    expect(execFileSync('sha256sum', [remote]).toString().split(' ')[0]).toBe(hash);

    expect(await box.host.ensureFile(file)).toBe(remote);
    expect(stats.sftpWrites).toBe(writes);
    expect(stats.skippedUploads).toBe(1);

    // A fresh app (no memo) finds the blob on the host by hash and size.
    const fresh = hostFor(sshd).host;
    expect(await fresh.ensureFile(file)).toBe(remote);
    expect(fresh.stats).toMatchObject({ uploads: 0, sftpWrites: 0, skippedUploads: 1 });
    await fresh.close();

    // Same content under another name: still one blob. Changed content: a new one.
    const copy = join(local, 'copy.bin');
    writeFileSync(copy, data);
    expect(await box.host.ensureFile(copy)).toBe(remote);
    expect(stats.sftpWrites).toBe(writes);
    writeFileSync(copy, Buffer.concat([data, Buffer.from('x')]));
    expect(await box.host.ensureFile(copy)).not.toBe(remote);
    expect(stats.uploads).toBe(2);
    expect(readdirSync(join(sshd.workDir, 'blobs')).filter((f) => f.includes('.part-'))).toEqual([]);
  });

  it('checks paths that already live on the host', async () => {
    const video = join(sshd.workDir, 'video 1.mp4');
    writeFileSync(video, 'not really a video');
    expect(await box.host.ensureRemotePath(video)).toBe(video);
    await expect(box.host.ensureRemotePath(join(sshd.workDir, 'missing.mp4'))).rejects.toThrow(/does not exist on host "box"/);
  });

  it('testConnection reports the OS, free disk and the GPUs of nvidia-smi', async () => {
    const probe = await box.host.testConnection();
    expect(probe.os).toMatch(/^Linux \S+ \S+$/);
    expect(probe.freeDiskBytes).toBeGreaterThan(0);
    expect(probe.gpus).toEqual([
      { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, utilization: 37 },
      { name: 'NVIDIA GeForce RTX 4090', memoryMiB: 24564, utilization: null },
    ]);
  });

  it('forwards a local port to a port on the host (ssh -L) and carries HTTP', async () => {
    const server = await httpServer('remote-side');
    const forward = await box.host.forwardLocal(server.port);
    expect(forward.localPort).not.toBe(server.port);
    const response = await fetch(`http://127.0.0.1:${forward.localPort}/hello?x=1`);
    expect(await response.text()).toBe('remote-side GET /hello?x=1');
    const post = await fetch(`http://127.0.0.1:${forward.localPort}/p`, { method: 'POST', body: 'x' });
    expect(await post.text()).toBe('remote-side POST /p');
    await forward.close();
    await server.close();
  });

  it('forwards a port on the host back to a local server (ssh -R), also after a reconnect', async () => {
    const server = await httpServer('reward-server');
    const forward = await box.host.forwardRemote(0, server.port);
    expect(forward.remotePort).toBeGreaterThan(0);
    const fromHost = async () => {
      const result = await box.host.exec(['curl', '-sS', `http://127.0.0.1:${forward.remotePort}/score`]);
      return result.stdout.toString();
    };
    expect(await fromHost()).toBe('reward-server GET /score');
    box.cut();
    await until(() => !box.host.connection.connected, 'the cut connection to close');
    expect(await fromHost()).toBe('reward-server GET /score');
    await forward.close();
    const after = await box.host.exec(['curl', '-sS', '--max-time', '2', `http://127.0.0.1:${forward.remotePort}/score`]);
    expect(after.exitCode).not.toBe(0);
    await server.close();
  });
});

describe.skipIf(!available)('a changed host key', () => {
  it('is refused with a loud man-in-the-middle warning', async () => {
    const first = await startSshd();
    const knownHosts = join(mkdtempSync(join(tmpdir(), 'rewatch-kh-')), 'known_hosts');
    writeFileSync(knownHosts, `${first.knownHostsLine}\n`);
    const port = first.port;
    const trusting = new SshHost({ name: 'box', login: first.login({ knownHostsPath: knownHosts }) });
    expect((await trusting.exec(['echo', 'hi'])).stdout.toString()).toBe('hi\n');
    await trusting.close();
    await first.stop();

    const impostor = await startSshd({ port });
    try {
      const host = new SshHost({ name: 'box', login: impostor.login({ knownHostsPath: knownHosts }) });
      const error = await host.exec(['true']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HostKeyError);
      expect((error as HostKeyError).verdict).toBe('changed');
      expect((error as Error).message).toMatch(/HAS CHANGED/);
      expect((error as Error).message).toMatch(/man-in-the-middle/);
      expect((error as Error).message).toContain(`ssh-keygen -R '[127.0.0.1]:${port}'`);
      await host.close();
    } finally {
      await impostor.stop();
    }
  });
});
