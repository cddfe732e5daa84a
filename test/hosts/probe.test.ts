import { describe, expect, it } from 'vitest';
import { parseDfAvailable, parseNvidiaSmi } from '../../main/hosts/probe.ts';

describe('host probe parsers', () => {
  it('reads nvidia-smi CSV, including [N/A] and names with commas', () => {
    expect(parseNvidiaSmi('NVIDIA A100-SXM4-80GB, 81920, 37\nNVIDIA H100 80GB HBM3, 81559, [N/A]\n\nTesla, Inc. X, 16384, 0\n')).toEqual([
      { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, utilization: 37 },
      { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, utilization: null },
      { name: 'Tesla, Inc. X', memoryMiB: 16384, utilization: 0 },
    ]);
    expect(parseNvidiaSmi('')).toEqual([]);
    expect(parseNvidiaSmi('NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver.')).toEqual([]);
  });

  it('reads the available 1K blocks of df -Pk', () => {
    const df = 'Filesystem     1024-blocks      Used Available Capacity Mounted on\n/dev/nvme0n1p2  959786032 512345678 398612345      57% /\n';
    expect(parseDfAvailable(df)).toBe(398612345 * 1024);
    expect(() => parseDfAvailable('df: /nope: No such file or directory')).toThrow(/cannot read df output/);
  });
});
