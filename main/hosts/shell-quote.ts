/**
 * POSIX single-quote escaping: every argument becomes one literal word for a POSIX shell (sh, bash, dash, zsh).
 * Inside single quotes nothing is special — not `$`, backticks, `\`, `;`, `*`, spaces or newlines — so a config
 * value is never interpreted by the remote shell. A `'` is written as `'\''` (close, escaped quote, reopen).
 */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('a command argument cannot contain a NUL byte');
  if (arg !== '' && /^[A-Za-z0-9_@%+:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The command line a POSIX shell splits back into exactly `argv`. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/** Names a shell or `env` accepts as an environment variable. */
export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * The quoted command for `argv` run in `cwd` with `env` added: `cd 'cwd' && exec env 'K=V' 'argv'…`.
 * `exec` keeps the process tree flat, so a signal to the shell reaches the program.
 */
export function commandLine(argv: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  if (argv.length === 0 || !argv[0]) throw new Error('exec needs a command');
  const envPairs = Object.entries(options.env ?? {}).map(([key, value]) => {
    if (!isEnvName(key)) throw new Error(`"${key}" is not a valid environment variable name`);
    return `${key}=${value}`;
  });
  let program = envPairs.length ? `exec env ${shellQuote(envPairs)} ${shellQuote(argv)}` : `exec ${shellQuote(argv)}`;
  // `env` reads a leading `NAME=…` word of the command as another assignment; POSIX sh never does after `exec`.
  if (envPairs.length && argv[0].includes('=')) throw new Error(`the command "${argv[0]}" cannot contain "="`);
  if (options.cwd !== undefined) program = `cd ${quoteArg(options.cwd)} && ${program}`;
  return program;
}
