import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandLine, quoteArg, shellQuote } from '../../main/hosts/shell-quote.ts';
import { NASTY_ARGS } from './nasty-args.ts';

const shells = ['/bin/sh', '/bin/dash', '/bin/bash'].filter((s) => existsSync(s));

describe('shellQuote', () => {
  it.each(shells)('round-trips every argument literally through %s', (shell) => {
    const script = `printf '%s\\0' ${shellQuote(NASTY_ARGS)}`;
    const out = execFileSync(shell, ['-c', script]).toString('utf8');
    expect(out.split('\0').slice(0, -1)).toEqual(NASTY_ARGS);
    expect(existsSync('/tmp/rewatch-pwned')).toBe(false);
  });

  it('leaves plain words readable and quotes the rest', () => {
    expect(shellQuote(['python', 'train.py', '--lr=1e-4', '/data/x.mp4'])).toBe("python train.py '--lr=1e-4' /data/x.mp4");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg('')).toBe("''");
    expect(() => quoteArg('a\0b')).toThrow(/NUL/);
  });

  it('builds cd/env/exec command lines, refusing bad variable names', () => {
    expect(commandLine(['ls', '-l'], { cwd: '/tmp/a b', env: { A: '$x' } })).toBe("cd '/tmp/a b' && exec env 'A=$x' ls -l");
    expect(() => commandLine(['ls'], { env: { 'A B': '1' } })).toThrow(/not a valid environment variable/);
    expect(() => commandLine([])).toThrow(/needs a command/);
    const out = execFileSync('/bin/sh', ['-c', commandLine(['sh', '-c', 'printf %s "$V"'], { env: { V: '$(id) `id`' } })]);
    expect(out.toString()).toBe('$(id) `id`');
  });
});
