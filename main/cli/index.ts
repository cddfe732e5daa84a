import { parseArgs } from 'node:util';
import { GraphFileError } from '../graph/parse.ts';
import { explainCommand } from './commands/explain.ts';
import { newCommand } from './commands/new.ts';
import { nodesCommand } from './commands/nodes.ts';
import { pruneCommand } from './commands/prune.ts';
import { rewardServerCommand } from './commands/reward-server.ts';
import { runCommand } from './commands/run.ts';
import { runsCommand } from './commands/runs.ts';
import { serveCommand } from './commands/serve.ts';
import { serversCommand, stopServerCommand } from './commands/servers.ts';
import { validateCommand } from './commands/validate.ts';
import { engineFlags } from './engine-options.ts';

const USAGE = `usage: rewatch <command> [options]

  new [--template NAME] [FILE] [--force]  a new graph file from a template (rewatch-r1: the paper pipeline);
                                          without --template, the list of templates
  nodes [--json]                          the node catalog: ports and config schema of every node type
  validate FILE [--json]                  check a graph; exit 1 with the error list when it is not valid
  run FILE [--until NODE] [--from NODE] [--no-cache] [--retry-failed NODE] [--sample N [--seed S]] [--barrier]
                                          run a graph (cached results are reused; Ctrl-C cancels, keeping finished items);
                                          --retry-failed asks the model again for NODE's failed items;
                                          --sample runs on N items of each source, picked by seed S (default 0)
  runs [--json]                           run history
  explain FILE [NODE] [--json]            whether each node would re-run, and why
  serve [--port N] [--host 127.0.0.1] [--static-dir DIR]
                                          the local API server for the editor; prints the address to open (with the
                                          data dir's token); port: --port, $REWATCH_PORT, server.yaml, else 5178
  prune [--keep-runs 20] [--llm-cache]    delete old runs and the cached results only they used
  servers [--json]                        model servers still running (kept warm by a graph, or left by a crash)
  servers stop ID                         stop one of them
  reward-server [--help]                  the O&R reward over HTTP for GRPO trainers (EasyR1, verl, TRL, ms-swift)

engine options: --data-dir DIR (default: the OS app-data folder, or $REWATCH_DATA_DIR)
                --providers FILE (provider profiles, YAML or JSON, added to the data dir's providers.yaml)
                --hosts FILE (SSH and Slurm hosts, added to the data dir's hosts.yaml)
`;

const options = {
  ...engineFlags,
  json: { type: 'boolean' },
  until: { type: 'string' },
  from: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'retry-failed': { type: 'string' },
  sample: { type: 'string' },
  seed: { type: 'string' },
  barrier: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  'static-dir': { type: 'string' },
  'keep-runs': { type: 'string' },
  'llm-cache': { type: 'boolean' },
  template: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  // The reward server has options of its own (judge, infer…), parsed by its command.
  if (argv[0] === 'reward-server') return rewardServerCommand(argv.slice(1));
  const { values: flags, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [command, ...args] = positionals;
  const file = () => {
    if (!args[0]) throw new UsageError(`${command} needs a graph FILE`);
    return args[0];
  };
  if (flags.help || !command) {
    process.stdout.write(USAGE);
    return command || flags.help ? 0 : 2;
  }
  switch (command) {
    case 'new':
      return newCommand(args[0], flags);
    case 'nodes':
      return nodesCommand(flags);
    case 'validate':
      return validateCommand(file(), flags);
    case 'run':
      return runCommand(file(), flags);
    case 'runs':
      return runsCommand(flags);
    case 'explain':
      return explainCommand(file(), args[1], flags);
    case 'serve':
      return serveCommand(flags);
    case 'prune':
      return pruneCommand(flags);
    case 'servers':
      if (args[0] === undefined) return serversCommand(flags);
      if (args[0] === 'stop' && args[1]) return stopServerCommand(args[1], flags);
      throw new UsageError('usage: rewatch servers [--json] | rewatch servers stop ID');
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  if (error instanceof GraphFileError) {
    for (const problem of error.problems) process.stderr.write(`${error.source}: ${problem}\n`);
  } else {
    process.stderr.write(`rewatch: ${(error as Error).message}\n`);
  }
  if (usage) process.stderr.write(`\n${USAGE}`);
  process.exitCode = usage ? 2 : 1;
}
