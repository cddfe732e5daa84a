import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/sshd.ts';
import { until } from '../support/until.ts';

/**
 * A real single-node Slurm (Debian `slurm-wlm` + `munge`) on loopback, for tests: munged, slurmctld and slurmd in the
 * foreground on a private munge socket, free ports and temporary state dirs. It needs no systemd or cgroups:
 * `ProctrackType=proctrack/linuxproc`, `TaskPlugin=task/none`. It has no accounting database (slurmdbd needs MariaDB),
 * so `sacct` answers "Slurm accounting storage is disabled" and the host falls back to `scontrol show job`.
 * Every command that should reach it needs `SLURM_CONF` (set it through the test sshd's `SetEnv`).
 */
export interface SlurmCluster {
  readonly conf: string;
  readonly partition: string;
  readonly dir: string;
  log(): string;
  stop(): Promise<void>;
}

export function realSlurmAvailable(): boolean {
  return (
    ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch'].every((p) => existsSync(p)) &&
    process.getuid?.() === 0
  );
}

export async function startSlurm(): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rewatch-slurm-'));
  for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, sub));
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'munge'), 0o755);
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(dir, 'munge', 'munge.socket');

  const children: ChildProcess[] = [];
  const output: string[] = [];
  const run = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => output.push(`[${command}] ${d.toString()}`));
    child.stderr!.on('data', (d: Buffer) => output.push(`[${command}] ${d.toString()}`));
    children.push(child);
    return child;
  };

  run('/usr/sbin/munged', [
    '-F',
    '--force',
    `--socket=${socket}`,
    `--key-file=${key}`,
    `--pid-file=${join(dir, 'munge', 'munged.pid')}`,
    `--seed-file=${join(dir, 'munge', 'munged.seed')}`,
    `--log-file=${join(dir, 'log', 'munged.log')}`,
  ]);
  await until(() => existsSync(socket), () => `munged did not start:\n${output.join('')}`);

  const node = hostname();
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=rewatch',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'MpiDefault=none',
      'SchedulerType=sched/builtin',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      'MinJobAge=600',
      'KillWait=2',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus().length} State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  run('/usr/sbin/slurmctld', ['-D', '-f', conf], env);
  run('/usr/sbin/slurmd', ['-D', '-f', conf], env);

  const sinfo = () => {
    try {
      return execFileSync('sinfo', ['-h', '-o', '%T'], { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return '';
    }
  };
  await until(() => sinfo() === 'idle', () => `Slurm did not come up (sinfo: ${sinfo()}):\n${output.join('')}`);

  return {
    conf,
    partition: 'debug',
    dir,
    log: () => output.join(''),
    stop: async () => {
      try {
        execFileSync('scancel', ['--user', 'root'], { env, stdio: 'ignore' });
      } catch {
        // nothing to cancel
      }
      for (const child of children.reverse()) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
