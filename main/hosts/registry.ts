import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { invalidSettingsError } from '../field-errors.ts';

/**
 * The hosts of the data dir's `hosts.yaml`/`.json` (never of graph files: graphs name a host, the data dir says
 * where it is and how to log in). `local` is implicit and cannot be redefined.
 *
 * ```yaml
 * hosts:
 *   - name: gpu-box
 *     kind: ssh
 *     host: gpu1.lab.example
 *     user: alice
 *     privateKeyPath: ~/.ssh/id_ed25519
 *     workDir: ~/rewatch
 *   - name: cluster
 *     kind: slurm
 *     login: { host: login.hpc.example, user: alice, agent: true, workDir: /scratch/alice/rewatch }
 *     partition: gpu
 *     gres: gpu:1
 *     timeLimit: '24:00:00'
 * ```
 */

const hostNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must start with a letter or digit and hold only letters, digits, ".", "_" or "-"')
  .refine((name) => name !== 'local', '"local" is the built-in host and cannot be redefined');

const remoteDirSchema = z
  .string()
  .min(1)
  .refine((dir) => dir.startsWith('/') || dir === '~' || dir.startsWith('~/'), 'must be absolute or start with "~/"')
  .refine((dir) => !/[\0\n\r]/.test(dir), 'cannot contain NUL or line breaks');

const sshLoginShape = {
  host: z.string().min(1).refine((h) => !/[\s\0]/.test(h), 'cannot contain spaces'),
  port: z.int().min(1).max(65535).default(22),
  user: z.string().min(1),
  privateKeyPath: z.string().min(1).optional().describe('A private key file (OpenSSH or PEM, unencrypted: use agent for encrypted keys).'),
  agent: z.literal(true).optional().describe('Authenticate with the running ssh-agent (SSH_AUTH_SOCK).'),
  knownHostsPath: z.string().min(1).default('~/.ssh/known_hosts').describe('Host keys are checked against it: an unknown or changed key is refused.'),
  workDir: remoteDirSchema.default('~/.cache/rewatch-studio').describe('Where the app keeps uploaded files and job folders on that machine.'),
};

const needsAuth = {
  check: (login: { privateKeyPath?: string | undefined; agent?: true | undefined }) =>
    login.privateKeyPath !== undefined || login.agent === true,
  params: { message: 'set privateKeyPath or agent: true', path: ['privateKeyPath'] },
};

/** How to reach and log in to an SSH server (an `ssh` host, or a Slurm cluster's login node). */
const sshLoginSchema = z.object(sshLoginShape).strict().refine(needsAuth.check, needsAuth.params);

export type SshLogin = z.infer<typeof sshLoginSchema>;

export const sshHostSchema = z
  .object({ name: hostNameSchema, kind: z.literal('ssh'), ...sshLoginShape })
  .strict()
  .refine(needsAuth.check, needsAuth.params);

export type SshHostConfig = z.infer<typeof sshHostSchema>;

const slurmValue = (pattern: RegExp, what: string) => z.string().min(1).regex(pattern, what);

export const slurmHostSchema = z
  .object({
    name: hostNameSchema,
    kind: z.literal('slurm'),
    login: sshLoginSchema.refine((l) => !/[\s%]/.test(l.workDir), {
      message: 'a Slurm work dir cannot contain spaces or "%" (#SBATCH lines are not quoted)',
      path: ['workDir'],
    }),
    partition: slurmValue(/^[A-Za-z0-9_.,-]+$/, 'must be a partition name (letters, digits, "_", ".", ",", "-")'),
    account: slurmValue(/^[A-Za-z0-9_.-]+$/, 'must be an account name').optional(),
    /** Generic resources per node, e.g. `gpu:1` or `gpu:a100:2`. */
    gres: slurmValue(/^[A-Za-z0-9_.:,-]+$/, 'must look like "gpu:1"').optional(),
    /** `minutes`, `HH:MM:SS` or `D-HH:MM:SS`. */
    timeLimit: slurmValue(/^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+(:\d{2}){0,2})$/, 'must look like "24:00:00" or "1-00:00:00"'),
  })
  .strict();

export type SlurmHostConfig = z.infer<typeof slurmHostSchema>;

export type HostConfig = SshHostConfig | SlurmHostConfig;

export const hostRegistrySchema = z.object({
  hosts: z
    .array(
      z.unknown().transform((entry, ctx): HostConfig => {
        const kind = (entry as { kind?: unknown } | null)?.kind;
        const schema = kind === 'ssh' ? sshHostSchema : kind === 'slurm' ? slurmHostSchema : undefined;
        if (!schema) {
          ctx.addIssue({ code: 'custom', path: ['kind'], message: 'must be "ssh" or "slurm"' });
          return z.NEVER;
        }
        const parsed = schema.safeParse(entry);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', path: issue.path });
          return z.NEVER;
        }
        return parsed.data as HostConfig;
      }),
    )
    .default([])
    .superRefine((hosts, ctx) => {
      const seen = new Set<string>();
      hosts.forEach((host, index) => {
        if (seen.has(host.name)) {
          ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate host name "${host.name}"` });
        }
        seen.add(host.name);
      });
    }),
});

/** The hosts of a registry; `local` is always there and is not listed. */
export interface HostRegistry {
  hosts: HostConfig[];
}

/** Validates a registry value; errors name `source` and the field (`hosts[1].login.port: …`). */
export function parseHostRegistry(data: unknown, source: string): HostRegistry {
  const parsed = hostRegistrySchema.safeParse(data ?? {});
  if (!parsed.success) throw invalidSettingsError(source, parsed.error);
  return parsed.data;
}

/** Reads a host registry file (`.json`, otherwise YAML). */
async function loadHostFile(path: string): Promise<HostRegistry> {
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw new Error(`${path}: cannot parse: ${(error as Error).message}`);
  }
  return parseHostRegistry(data, path);
}

/** The data dir's `hosts.yaml`/`.yml`/`.json`, with `extraFile`'s hosts taking precedence by name. */
export async function loadHosts(dataDir: string, extraFile?: string): Promise<HostRegistry> {
  const byName = new Map<string, HostConfig>();
  const own = ['hosts.yaml', 'hosts.yml', 'hosts.json'].map((f) => join(dataDir, f)).find(existsSync);
  for (const file of [own, extraFile]) {
    if (!file) continue;
    for (const host of (await loadHostFile(file)).hosts) byName.set(host.name, host);
  }
  return { hosts: [...byName.values()] };
}

/** `~` and `~/…` of a path on this machine. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}
