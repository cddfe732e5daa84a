import { randomBytes } from 'node:crypto';
import type { LlmClientOptions } from '../llm/client.ts';
import type { ProviderProfile } from '../llm/profiles.ts';
import type { NodeDefinition, RewardService } from '../../nodes/sdk/index.ts';
import { RewardServer } from './server.ts';

/** The reward service nodes get in their context: a `RewardServer` over the engine's data dir and profiles. */
export function rewardService(options: {
  dataDir: string;
  providers: ProviderProfile[];
  nodeDefinitions: readonly NodeDefinition[];
  llmBackoff?: LlmClientOptions['backoff'];
}): RewardService {
  return {
    async start({ judge, infer, token = randomBytes(24).toString('hex') }) {
      const server = new RewardServer({
        dataDir: options.dataDir,
        providers: options.providers,
        nodeDefinitions: options.nodeDefinitions,
        token,
        judge,
        ...(infer ? { infer } : {}),
        ...(options.llmBackoff ? { llmBackoff: options.llmBackoff } : {}),
      });
      const running = await server.listen({ port: 0 });
      return {
        port: running.port,
        token,
        async close() {
          await running.close();
          await server.close();
        },
      };
    },
  };
}
