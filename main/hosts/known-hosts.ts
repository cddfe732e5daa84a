import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** One key line of an OpenSSH `known_hosts` file. */
interface KnownHostEntry {
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** The host patterns as written (`host,1.2.3.4`, `[host]:2222`, `|1|salt|hash`, `*.example.com`). */
  patterns: string;
  keyType: string;
  key: Buffer;
}

/** Parses OpenSSH `known_hosts` text; malformed lines are skipped as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields.shift() === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [patterns, keyType, base64] = fields;
    if (!patterns || !keyType || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return;
    const entry: KnownHostEntry = { line: index + 1, patterns, keyType, key: Buffer.from(base64, 'base64') };
    if (marker) entry.marker = marker;
    entries.push(entry);
  });
  return entries;
}

/** How `known_hosts` names a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(name);
}

function hashedMatch(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether a `known_hosts` host field names `name` (hashed, wildcard and `!negated` patterns included). */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|')) return hashedMatch(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false;
    } else if (wildcardMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** The key type written at the start of an SSH public key blob (`ssh-ed25519`, `ssh-rsa`…). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString('latin1');
}

/** `SHA256:…` as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

type HostKeyVerdict =
  | { status: 'trusted'; entry: KnownHostEntry }
  | { status: 'unknown'; otherTypes: string[] }
  | { status: 'changed'; expected: KnownHostEntry[] }
  | { status: 'revoked'; entry: KnownHostEntry };

/** Checks a presented host key against the entries for `host`:`port`. */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = knownHostName(host, port);
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && patternsMatch(e.patterns, name));
  const revoked = mine.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const keys = mine.filter((e) => e.marker === undefined);
  const exact = keys.find((e) => e.key.equals(key));
  if (exact) return { status: 'trusted', entry: exact };
  const type = keyTypeOf(key);
  const sameType = keys.filter((e) => e.keyType === type);
  if (sameType.length) return { status: 'changed', expected: sameType };
  return { status: 'unknown', otherTypes: [...new Set(keys.map((e) => e.keyType))] };
}

/** The host key algorithms to offer when `known_hosts` already has keys of `types` (prevents type downgrades). */
export function hostKeyAlgorithms(types: readonly string[]): string[] {
  const out: string[] = [];
  for (const type of types) {
    if (type === 'ssh-rsa') out.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else if (/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-dss)$/.test(type)) out.push(type);
  }
  return [...new Set(out)];
}

export class HostKeyError extends Error {
  constructor(
    message: string,
    readonly verdict: HostKeyVerdict['status'],
  ) {
    super(message);
    this.name = 'HostKeyError';
  }
}

/** The message for a refused key: how to add an unknown one, and a loud warning for a changed one. */
export function hostKeyError(verdict: HostKeyVerdict, host: string, port: number, key: Buffer, knownHostsPath: string): HostKeyError {
  const name = knownHostName(host, port);
  const presented = `${keyTypeOf(key)} ${fingerprint(key)}`;
  const scan = `ssh-keyscan ${port === 22 ? '' : `-p ${port} `}${host} >> ${knownHostsPath}`;
  switch (verdict.status) {
    case 'unknown':
      return new HostKeyError(
        `The host key of ${name} is not in ${knownHostsPath}, so the connection was refused. ` +
          `It presented ${presented}. Check this fingerprint with the machine's administrator, then add the key ` +
          `with: ${scan}` +
          (verdict.otherTypes.length ? ` (${knownHostsPath} only has ${verdict.otherTypes.join(', ')} keys for it)` : ''),
        'unknown',
      );
    case 'changed': {
      const lines = verdict.expected.map((e) => `${e.keyType} ${fingerprint(e.key)} (line ${e.line})`).join(', ');
      return new HostKeyError(
        `WARNING: THE HOST KEY OF ${name} HAS CHANGED! Someone could be intercepting this connection ` +
          `(a man-in-the-middle attack), or the machine's key was replaced. Connection refused. ` +
          `${knownHostsPath} expects ${lines}; the server presented ${presented}. If the administrator confirms ` +
          `the new key, remove the old one with: ssh-keygen -R '${name}' -f ${knownHostsPath} and add the new one with: ${scan}`,
        'changed',
      );
    }
    case 'revoked':
      return new HostKeyError(
        `The host key ${presented} of ${name} is marked @revoked in ${knownHostsPath} (line ${verdict.entry.line}). ` +
          `Connection refused.`,
        'revoked',
      );
    case 'trusted':
      return new HostKeyError(`the host key of ${name} is trusted`, 'trusted');
  }
}

/** Reads a `known_hosts` file; a missing file is an empty one. */
export async function readKnownHosts(path: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}
