import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostResolver, loadHostResolver, LocalHost, SlurmHost, SshHost } from '../../main/hosts/index.ts';

describe('createHostResolver', () => {
  it('resolves local (implicit), ssh and slurm hosts, one instance per name', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rewatch-resolver-'));
    writeFileSync(
      join(dataDir, 'hosts.yaml'),
      [
        'hosts:',
        '  - { name: gpu-box, kind: ssh, host: 10.0.0.5, user: alice, agent: true, workDir: /data/rw }',
        '  - name: cluster',
        '    kind: slurm',
        '    login: { host: login.hpc, user: alice, privateKeyPath: ~/.ssh/id_ed25519, workDir: /scratch/alice/rw }',
        '    partition: gpu',
        '    gres: gpu:1',
        "    timeLimit: '24:00:00'",
        '',
      ].join('\n'),
    );
    const resolve = await loadHostResolver(dataDir);
    expect([...resolve.names].sort()).toEqual(['cluster', 'gpu-box', 'local']);
    expect(resolve()).toBeInstanceOf(LocalHost);
    expect(resolve('local')).toBe(resolve());
    expect(resolve('gpu-box')).toBeInstanceOf(SshHost);
    expect(resolve('gpu-box')).toBe(resolve('gpu-box'));
    expect(resolve('cluster')).toBeInstanceOf(SlurmHost);
    expect(resolve('cluster').kind).toBe('slurm');
    expect(() => resolve('nope')).toThrow(/unknown host "nope"/);
    expect(resolve.jobStore.path).toBe(join(dataDir, 'jobs.json'));
    expect(await resolve('local').workDir()).toBe(join(dataDir, 'hosts', 'local'));
    await resolve.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('works with no hosts file: only local', () => {
    const resolve = createHostResolver({ hosts: [] }, { dataDir: tmpdir() });
    expect([...resolve.names]).toEqual(['local']);
    expect(resolve('local').name).toBe('local');
  });
});
