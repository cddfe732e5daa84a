import { describe, expect, it } from 'vitest';
import { MetricsParser } from '../../nodes/rewatch/train/metrics.ts';

function parse(log: string) {
  const parser = new MetricsParser();
  for (const line of log.split('\n')) parser.push(line);
  parser.end();
  return parser.metrics;
}

describe('MetricsParser', () => {
  it("reads EasyR1's console logger: `Step N` and the step's metrics as nested YAML", () => {
    const log = [
      'Config',
      'algorithm:',
      '  kl_coef: 0.01',
      'worker:',
      '  actor:',
      '    optim:',
      '      lr: 1.0e-06',
      '',
      'Step 0',
      'val:',
      '  accuracy_reward: 0.25',
      '  reward_score: 0.3',
      '',
      'Step 1',
      'actor:',
      '  entropy_loss: 1.5',
      '  kl_loss: 0.001',
      '  lr: 1.0e-06',
      '  pg_loss: -0.012',
      '  ppo_kl: 0.0002',
      'critic:',
      '  score:',
      '    mean: 0.55',
      'perf:',
      '  throughput: 1520',
      'reward:',
      '  accuracy: 0.5',
      '  format: 1.0',
      '  overall: 0.6',
      '',
      '(WorkerDict pid=4242) Update policy [1/1]: 100%',
      'Step 2',
      'actor:',
      '  kl_loss: .nan',
      '  pg_loss: 0.008',
      'critic:',
      '  kl: 0.004',
      '  score:',
      '    mean: 0.7',
    ].join('\n');
    expect(parse(log)).toEqual([
      { step: 1, loss: -0.012, learningRate: 1e-6, reward: 0.6, accuracy: 0.5, kl: 0.001 },
      // A non-number is no value: KL falls back to the reward penalty's, the reward to the score.
      { step: 2, loss: 0.008, reward: 0.7, kl: 0.004 },
    ]);
  });

  it("keeps reading verl's `key:value - key:value` lines and HF Trainer's dicts", () => {
    const log = [
      'step:7 - actor/pg_loss:0.12 - actor/lr:2e-06 - critic/score/mean:0.5 - actor/ppo_kl:0.3 - training/epoch:1',
      "{'loss': 1.25, 'grad_norm': 3.2, 'learning_rate': 1e-05, 'epoch': 0.5}",
      "{'loss': 1.0, 'learning_rate': 9e-06, 'epoch': 1.0}",
    ].join('\n');
    expect(parse(log)).toEqual([
      { step: 7, loss: 0.12, learningRate: 2e-6, reward: 0.5, epoch: 1 },
      { step: 8, loss: 1.25, learningRate: 1e-5, epoch: 0.5 },
      { step: 9, loss: 1, learningRate: 9e-6, epoch: 1 },
    ]);
  });
});
