import type { TrainingMetric } from './types.ts';

type MetricField = Exclude<keyof TrainingMetric, 'step'>;

/** Trainer log keys (HF Trainer / LLaMA-Factory dicts, verl/EasyR1 `key:value - key:value` lines) by metric. */
const KEYS: Record<MetricField | 'step', readonly string[]> = {
  step: ['step', 'global_step', 'training/global_step'],
  epoch: ['epoch', 'training/epoch'],
  loss: ['loss', 'actor/pg_loss'],
  learningRate: ['learning_rate', 'actor/lr'],
  reward: ['reward', 'reward/overall', 'critic/score/mean', 'critic/rewards/mean'],
  accuracy: ['accuracy', 'reward/accuracy'],
  kl: ['kl', 'actor/kl_loss', 'actor/ppo_kl'],
};

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
/** `{'loss': 1.2, 'learning_rate': 1e-05, 'epoch': 0.1}` (one Python dict per line). */
const DICT_LINE = /^\s*\{.*'[\w/]+':\s*[-+.\d]/;
const DICT_PAIR = new RegExp(String.raw`'([\w/@.-]+)':\s*(${NUMBER})`, 'g');
/** `step:3 - actor/pg_loss:0.12 - reward/overall:0.5` */
const VERL_PAIR = new RegExp(String.raw`(?:^|\s-\s|\s)([\w/@.-]+):\s?(${NUMBER})(?=\s|$)`, 'g');

function pairsOf(line: string): Map<string, number> | undefined {
  const pattern = DICT_LINE.test(line) ? DICT_PAIR : line.includes(' - ') ? VERL_PAIR : undefined;
  if (!pattern) return undefined;
  const pairs = new Map<string, number>();
  for (const [, key, value] of line.matchAll(pattern)) pairs.set(key!, Number(value));
  return pairs;
}

/**
 * Turns trainer log lines into metrics. A line counts when it logs a loss, reward, accuracy or KL; lines without a
 * step number get the next one in order (HF Trainer's dicts carry none).
 */
export class MetricsParser {
  readonly metrics: TrainingMetric[] = [];

  /** Parses one line; returns the metric it held, if any. */
  push(line: string): TrainingMetric | undefined {
    const pairs = pairsOf(line);
    if (!pairs) return undefined;
    const pick = (field: MetricField | 'step') => KEYS[field].map((k) => pairs.get(k)).find((v) => v !== undefined);
    const metric: Partial<TrainingMetric> = {};
    for (const field of ['epoch', 'loss', 'learningRate', 'reward', 'accuracy', 'kl'] as const) {
      const value = pick(field);
      if (value !== undefined && Number.isFinite(value)) metric[field] = value;
    }
    if (metric.loss === undefined && metric.reward === undefined && metric.accuracy === undefined && metric.kl === undefined) {
      return undefined;
    }
    const step = pick('step');
    const parsed = { step: step !== undefined ? Math.trunc(step) : (this.metrics.at(-1)?.step ?? 0) + 1, ...metric };
    this.metrics.push(parsed);
    return parsed;
  }
}

/** `12/345 [` as tqdm prints it: the trainer's own progress. */
export function tqdmProgress(line: string): { done: number; total: number } | undefined {
  const matches = [...line.matchAll(/(\d+)\/(\d+) \[/g)];
  const last = matches.at(-1);
  if (!last) return undefined;
  const [done, total] = [Number(last[1]), Number(last[2])];
  return total > 0 && done <= total ? { done, total } : undefined;
}
