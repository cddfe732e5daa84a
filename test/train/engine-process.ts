/**
 * The app in a process of its own, for tests that kill it in the middle of a run (`kill -9`, as a crash or a power
 * cut would): runs one graph in an engine of the test catalog and prints each log message of the run as a JSON line.
 *
 * usage: node scripts/rewatch-tsx.mjs test/train/engine-process.ts '{"dataDir", "hosts", "providers", "graph"}'
 */
import type { GraphFile } from '../../main/graph/format.ts';
import type { HostConfig } from '../../main/hosts/index.ts';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import { engineWithHosts } from './harness.ts';

export interface EngineProcessSpec {
  dataDir: string;
  hosts: HostConfig[];
  providers: ProviderProfile[];
  graph: GraphFile;
}

const spec = JSON.parse(process.argv[2] ?? '') as EngineProcessSpec;
const { engine } = engineWithHosts(spec.dataDir, spec.hosts, spec.providers);
engine.subscribe((event) => {
  if (event.type === 'node-log') process.stdout.write(`${JSON.stringify(event.message)}\n`);
});
const { runId } = await engine.startRun({ graph: spec.graph });
await engine.waitForRun(runId);
await engine.close();
