/**
 * The scripted OpenAI-compatible server in a process of its own, as the real model server is: its HTTP work does
 * not compete with the engine for the engine's event loop. Prints `{"baseURL"}` when listening; when stdin closes,
 * prints `{"requests","maxInFlight"}` and exits.
 * Usage: llm-server-child.ts LATENCY_MS
 */
import { startScriptedLlmServer } from '../test/support/scripted-llm-server.ts';

let requests = 0;
const server = await startScriptedLlmServer({
  respond: () => {
    requests++;
    return 'ok';
  },
  latencyMs: Number(process.argv[2] ?? 0),
  recordRequests: false,
});
process.stdout.write(`${JSON.stringify({ baseURL: server.baseURL })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  process.stdout.write(`${JSON.stringify({ requests, maxInFlight: server.maxInFlight })}\n`);
  void server.close().then(() => process.exit(0));
});
