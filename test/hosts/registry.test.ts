import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHosts, parseHostRegistry } from '../../main/hosts/registry.ts';

describe('host registry', () => {
  it('fills defaults for ssh and slurm hosts', () => {
    const registry = parseHostRegistry(
      {
        hosts: [
          { name: 'gpu-box', kind: 'ssh', host: 'gpu1.lab', user: 'alice', privateKeyPath: '~/.ssh/id_ed25519' },
          {
            name: 'cluster',
            kind: 'slurm',
            login: { host: 'login.hpc', user: 'alice', agent: true, workDir: '/scratch/alice/rw' },
            partition: 'gpu',
            gres: 'gpu:a100:2',
            timeLimit: '1-00:00:00',
          },
        ],
      },
      'hosts.yaml',
    );
    expect(registry.hosts[0]).toEqual({
      name: 'gpu-box',
      kind: 'ssh',
      host: 'gpu1.lab',
      port: 22,
      user: 'alice',
      privateKeyPath: '~/.ssh/id_ed25519',
      knownHostsPath: '~/.ssh/known_hosts',
      workDir: '~/.cache/rewatch-studio',
    });
    expect(registry.hosts[1]).toMatchObject({ kind: 'slurm', login: { port: 22, agent: true }, partition: 'gpu', timeLimit: '1-00:00:00' });
  });

  it('names the file and the field of every problem', () => {
    const bad = {
      hosts: [
        { name: 'a', kind: 'ssh', host: 'h', user: 'u' },
        { name: 'local', kind: 'ssh', host: 'h', user: 'u', agent: true },
        { name: 'c', kind: 'slurm', login: { host: 'x', user: 'u', agent: true, port: 70000 }, partition: 'gpu; rm -rf /', timeLimit: '24h' },
        { name: 'd', kind: 'ftp' },
        { name: 'e', kind: 'ssh', host: 'h', user: 'u', agent: true, workDir: 'relative' },
      ],
    };
    let message = '';
    try {
      parseHostRegistry(bad, '/data/hosts.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^\/data\/hosts\.yaml: /);
    expect(message).toContain('hosts[0].privateKeyPath: set privateKeyPath or agent: true');
    expect(message).toContain('hosts[1].name: "local" is the built-in host');
    expect(message).toContain('hosts[2].login.port');
    expect(message).toContain('hosts[2].partition');
    expect(message).toContain('hosts[2].timeLimit');
    expect(message).toContain('hosts[3].kind: must be "ssh" or "slurm"');
    expect(message).toContain('hosts[4].workDir: must be absolute');
  });

  it('refuses Slurm work dirs #SBATCH cannot carry, and duplicate names', () => {
    expect(() =>
      parseHostRegistry(
        { hosts: [{ name: 'c', kind: 'slurm', login: { host: 'x', user: 'u', agent: true, workDir: '/a b' }, partition: 'p', timeLimit: '60' }] },
        'f',
      ),
    ).toThrow(/hosts\[0\]\.login\.workDir: a Slurm work dir cannot contain spaces/);
    const host = { name: 'a', kind: 'ssh', host: 'h', user: 'u', agent: true };
    expect(() => parseHostRegistry({ hosts: [host, host] }, 'f')).toThrow(/hosts\[1\]\.name: duplicate host name "a"/);
  });

  it('loads hosts.yaml from the data dir, an extra file overriding by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewatch-hosts-'));
    expect(await loadHosts(dir)).toEqual({ hosts: [] });
    writeFileSync(
      join(dir, 'hosts.yaml'),
      'hosts:\n  - { name: a, kind: ssh, host: one, user: u, agent: true }\n  - { name: b, kind: ssh, host: two, user: u, agent: true }\n',
    );
    const extra = join(dir, 'more.json');
    writeFileSync(extra, JSON.stringify({ hosts: [{ name: 'b', kind: 'ssh', host: 'three', user: 'u', agent: true }] }));
    const { hosts } = await loadHosts(dir, extra);
    expect(hosts.map((h) => [h.name, h.kind === 'ssh' ? h.host : ''])).toEqual([
      ['a', 'one'],
      ['b', 'three'],
    ]);
    writeFileSync(join(dir, 'hosts.yaml'), 'hosts:\n  - { name: a, kind: ssh, host: one, user: u, port: twenty, agent: true }\n');
    await expect(loadHosts(dir)).rejects.toThrow(`${join(dir, 'hosts.yaml')}: hosts[0].port:`);
    writeFileSync(join(dir, 'hosts.yaml'), 'hosts: [\n');
    await expect(loadHosts(dir)).rejects.toThrow(/hosts\.yaml: cannot parse/);
  });
});
