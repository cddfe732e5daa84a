#!/usr/bin/env node
// `npm run test:load`: the README's test command (`npm test`) with one busy loop per core spinning beside it, the
// way a shared CI machine or a laptop compiling something else runs the suite. Tests must wait on states and
// events, never on time; this is how to check that they do. Exits with the tests' exit code.
// `REWATCH_LOAD_LOOPS=N` overrides the number of loops; arguments after `--` go to vitest (`npm run test:load --
// test/hosts/jobs.test.ts` runs one file under load).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const loops = Number(process.env.REWATCH_LOAD_LOOPS ?? availableParallelism());
if (!Number.isInteger(loops) || loops < 0) {
  console.error(`REWATCH_LOAD_LOOPS must be a whole number, not "${process.env.REWATCH_LOAD_LOOPS}"`);
  process.exit(2);
}

const spinners = Array.from({ length: loops }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopSpinners = () => spinners.forEach((child) => child.kill('SIGKILL'));
process.on('exit', stopSpinners);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopSpinners();
    process.exit(130);
  });
}
console.log(`[test:load] ${loops} busy loop(s) running beside the tests`);

const vitestArgs = process.argv.slice(2);
const command = vitestArgs.length > 0 ? ['npx', ['vitest', 'run', ...vitestArgs]] : ['npm', ['test']];
const tests = spawn(command[0], command[1], { stdio: 'inherit' });
tests.on('exit', (code, signal) => {
  stopSpinners();
  console.log(`[test:load] tests ${signal ? `killed by ${signal}` : `exited with ${code}`} under ${loops} busy loop(s)`);
  process.exit(code ?? 1);
});
