import type { HostHandle } from '../../nodes/sdk/index.ts';
import type { GpuInfo, HostProbe } from './types.ts';

const NVIDIA_SMI_QUERY = [
  'nvidia-smi',
  '--query-gpu=name,memory.total,utilization.gpu',
  '--format=csv,noheader,nounits',
] as const;

/** Lines of `nvidia-smi --query-gpu=name,memory.total,utilization.gpu --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(text: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    // The name may itself hold commas; the two numbers are always the last fields.
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 3) continue;
    const utilization = Number(fields.pop());
    const memory = Number(fields.pop());
    if (!Number.isFinite(memory)) continue;
    gpus.push({
      name: fields.join(', '),
      memoryMiB: memory,
      utilization: Number.isFinite(utilization) ? utilization : null,
    });
  }
  return gpus;
}

/** Available bytes from `df -Pk DIR` (POSIX format: 1024-byte blocks, one line per file system). */
export function parseDfAvailable(text: string): number {
  const lines = text.trim().split(/\r?\n/);
  const last = lines[lines.length - 1];
  // Filesystem 1024-blocks Used Available Capacity Mounted-on; a long device name may not wrap with -P.
  const fields = last?.trim().split(/\s+/) ?? [];
  const available = Number(fields[3]);
  if (lines.length < 2 || !Number.isFinite(available)) throw new Error(`cannot read df output: ${text.trim()}`);
  return available * 1024;
}

/** Runs `uname -srm`, `df -Pk workDir` and `nvidia-smi` on a host. */
export async function probeHost(host: Pick<HostHandle, 'exec'>, workDir: string): Promise<HostProbe> {
  const uname = await host.exec(['uname', '-srm']);
  if (uname.exitCode !== 0) throw new Error(`uname failed: ${uname.stderr.trim()}`);
  const df = await host.exec(['df', '-Pk', workDir]);
  if (df.exitCode !== 0) throw new Error(`df ${workDir} failed: ${df.stderr.trim()}`);
  let gpus: GpuInfo[] = [];
  try {
    const smi = await host.exec(NVIDIA_SMI_QUERY);
    if (smi.exitCode === 0) gpus = parseNvidiaSmi(smi.stdout.toString('utf8'));
  } catch {
    // no nvidia-smi on this machine (the local host reports a missing program as an error)
  }
  return { os: uname.stdout.toString('utf8').trim(), freeDiskBytes: parseDfAvailable(df.stdout.toString('utf8')), gpus };
}
