/**
 * `rewatch reward-server` as `main/cli/index.ts` dispatches it, with the test caption node added to the catalog the
 * command reads captions through. Run: node scripts/rewatch-tsx.mjs test/reward-server/cli-entry.ts reward-server …
 */
import { rewardServerCommand } from '../../main/cli/commands/reward-server.ts';
import { catalog } from './support.ts';

const [command, ...args] = process.argv.slice(2);
if (command !== 'reward-server') throw new Error(`expected "reward-server", got ${command}`);
process.exitCode = await rewardServerCommand(args, { catalog });
