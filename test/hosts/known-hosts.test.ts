import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprint,
  hostKeyAlgorithms,
  hostKeyError,
  keyTypeOf,
  parseKnownHosts,
  patternsMatch,
} from '../../main/hosts/known-hosts.ts';

let dir: string;
const keys: Record<string, { line: string; blob: Buffer }> = {};

function makeKey(name: string, type: string): void {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', path]);
  const line = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  keys[name] = { line, blob: Buffer.from(line.split(' ')[1]!, 'base64') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewatch-kh-'));
  makeKey('a', 'ed25519');
  makeKey('b', 'ed25519');
  makeKey('r', 'ecdsa');
});

describe('known_hosts', () => {
  it('matches plain, [host]:port, wildcard and negated patterns', () => {
    expect(patternsMatch('gpu1,10.0.0.5', 'gpu1')).toBe(true);
    expect(patternsMatch('gpu1,10.0.0.5', '10.0.0.5')).toBe(true);
    expect(patternsMatch('gpu1', '[gpu1]:2222')).toBe(false);
    expect(patternsMatch('[gpu1]:2222', '[gpu1]:2222')).toBe(true);
    expect(patternsMatch('*.lab.example,!bad.lab.example', 'GPU7.lab.example')).toBe(true);
    expect(patternsMatch('*.lab.example,!bad.lab.example', 'bad.lab.example')).toBe(false);
    expect(patternsMatch('gpu?', 'gpu9')).toBe(true);
  });

  it('matches entries hashed by ssh-keygen -H (the |1|salt|hash form)', () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `[127.0.0.1]:2222 ${keys.a!.line}\ngpu1 ${keys.b!.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const entries = parseKnownHosts(readFileSync(file, 'utf8'));
    expect(entries.every((e) => e.patterns.startsWith('|1|'))).toBe(true);
    expect(checkHostKey(entries, '127.0.0.1', 2222, keys.a!.blob).status).toBe('trusted');
    expect(checkHostKey(entries, 'gpu1', 22, keys.b!.blob).status).toBe('trusted');
    expect(checkHostKey(entries, '127.0.0.1', 22, keys.a!.blob).status).toBe('unknown');
  });

  it('tells trusted, unknown, changed and revoked keys apart', () => {
    const text = [
      '# comment',
      '',
      `[127.0.0.1]:2222 ${keys.a!.line} first`,
      `other ${keys.r!.line}`,
      `@revoked * ${keys.r!.line}`,
      'garbage line',
    ].join('\n');
    const entries = parseKnownHosts(text);
    expect(entries).toHaveLength(3);
    expect(checkHostKey(entries, '127.0.0.1', 2222, keys.a!.blob)).toMatchObject({ status: 'trusted', entry: { line: 3 } });
    expect(checkHostKey(entries, '127.0.0.1', 2222, keys.b!.blob)).toMatchObject({ status: 'changed' });
    expect(checkHostKey(entries, 'nowhere', 22, keys.b!.blob)).toEqual({ status: 'unknown', otherTypes: [] });
    expect(checkHostKey(entries, 'other', 22, keys.r!.blob).status).toBe('revoked');
    expect(checkHostKey(entries, 'other', 22, keys.a!.blob)).toEqual({ status: 'unknown', otherTypes: ['ecdsa-sha2-nistp256'] });
  });

  it('reads key types and fingerprints as ssh-keygen prints them', () => {
    expect(keyTypeOf(keys.a!.blob)).toBe('ssh-ed25519');
    const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'a.pub')]).toString();
    expect(printed).toContain(fingerprint(keys.a!.blob));
    expect(hostKeyAlgorithms(['ssh-rsa', 'ssh-ed25519'])).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
  });

  it('explains how to add an unknown key and warns loudly about a changed one', () => {
    const entries = parseKnownHosts(`[h]:2200 ${keys.a!.line}\n`);
    const unknown = hostKeyError(checkHostKey([], 'h', 2200, keys.a!.blob), 'h', 2200, keys.a!.blob, '~/.ssh/known_hosts');
    expect(unknown.message).toContain('ssh-keyscan -p 2200 h >> ~/.ssh/known_hosts');
    expect(unknown.message).toContain(fingerprint(keys.a!.blob));
    const changed = hostKeyError(checkHostKey(entries, 'h', 2200, keys.b!.blob), 'h', 2200, keys.b!.blob, '/kh');
    expect(changed.verdict).toBe('changed');
    expect(changed.message).toMatch(/HAS CHANGED/);
    expect(changed.message).toMatch(/man-in-the-middle/);
    expect(changed.message).toContain("ssh-keygen -R '[h]:2200' -f /kh");
  });
});
