/**
 * The scripted OpenAI-compatible server in a process of its own, as the real model server would be: its HTTP work
 * does not compete with the engine's event loop. Prints `{"baseURL": ...}` on one line, stops when stdin closes.
 * Usage: llm-server-child.ts LATENCY_MS
 */
import { startScriptedLlmServer } from '../test/support/scripted-llm-server.ts';

const server = await startScriptedLlmServer({ respond: () => 'ok', latencyMs: Number(process.argv[2] ?? 0), recordRequests: false });
process.stdout.write(`${JSON.stringify({ baseURL: server.baseURL })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  process.stdout.write(`${JSON.stringify({ maxInFlight: server.maxInFlight })}\n`);
  void server.close().then(() => process.exit(0));
});
