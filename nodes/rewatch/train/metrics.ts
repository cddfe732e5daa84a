import type { TrainingMetric } from './types.ts';

type MetricField = Exclude<keyof TrainingMetric, 'step'>;

/**
 * Trainer log keys by metric, first match wins. KL means the policy's KL to the reference model, logged by verl and
 * EasyR1 as a loss term (`actor/kl_loss`) or as a reward penalty (`critic/kl`); their `actor/ppo_kl` is the PPO
 * update's own old-vs-new KL, not that.
 */
const KEYS: Record<MetricField | 'step', readonly string[]> = {
  step: ['step', 'global_step', 'training/global_step'],
  epoch: ['epoch', 'training/epoch'],
  loss: ['loss', 'actor/pg_loss'],
  learningRate: ['learning_rate', 'actor/lr'],
  reward: ['reward', 'reward/overall', 'critic/score/mean', 'critic/rewards/mean'],
  accuracy: ['accuracy', 'reward/accuracy'],
  kl: ['kl', 'actor/kl_loss', 'critic/kl'],
};
const FIELDS = ['epoch', 'loss', 'learningRate', 'reward', 'accuracy', 'kl'] as const;

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const WHOLE_NUMBER = new RegExp(`^${NUMBER}$`);
/** HF Trainer / LLaMA-Factory: `{'loss': 1.2, 'learning_rate': 1e-05, 'epoch': 0.1}` (one Python dict per line). */
const DICT_LINE = /^\s*\{.*'[\w/]+':\s*[-+.\d]/;
const DICT_PAIR = new RegExp(String.raw`'([\w/@.-]+)':\s*(${NUMBER})`, 'g');
/** verl's console logger: `step:3 - actor/pg_loss:0.12 - critic/score/mean:0.5`. */
const VERL_PAIR = new RegExp(String.raw`(?:^|\s-\s|\s)([\w/@.-]+):\s?(${NUMBER})(?=\s|$)`, 'g');
/**
 * EasyR1's console logger prints each step as `Step N` and then the step's metrics as YAML (PyYAML `dump`, indent 2,
 * keys sorted), nested at the `/` of the metric names: `actor:` / `  kl_loss: 0.001` is `actor/kl_loss`.
 */
const EASYR1_HEADER = /^Step (\d+)$/;
const YAML_ENTRY = /^( *)([\w.@-]+):(?: +(\S.*))?$/;

function linePairs(line: string): Map<string, number> | undefined {
  const pattern = DICT_LINE.test(line) ? DICT_PAIR : line.includes(' - ') ? VERL_PAIR : undefined;
  if (!pattern) return undefined;
  const pairs = new Map<string, number>();
  for (const [, key, value] of line.matchAll(pattern)) pairs.set(key!, Number(value));
  return pairs;
}

/** The open `Step N` block of an EasyR1 log: its values so far, and the keys of the YAML lines above the next one. */
interface YamlBlock {
  step: number;
  pairs: Map<string, number>;
  parents: Array<{ indent: number; key: string }>;
}

/**
 * Turns trainer log lines into metrics. A step counts when it logs a loss, reward, accuracy or KL; lines without a
 * step number get the next one in order (HF Trainer's dicts carry none). Call `end()` after the last line: an EasyR1
 * block is only complete when something else follows it.
 */
export class MetricsParser {
  readonly metrics: TrainingMetric[] = [];
  #block: YamlBlock | undefined;

  /** `onMetric` hears each step as soon as it is complete (to chart it live). */
  constructor(private readonly onMetric: (metric: TrainingMetric) => void = () => {}) {}

  push(line: string): void {
    const trimmed = line.trimEnd();
    const header = EASYR1_HEADER.exec(trimmed);
    if (header) {
      this.end();
      this.#block = { step: Number(header[1]), pairs: new Map(), parents: [] };
      return;
    }
    const entry = this.#block && YAML_ENTRY.exec(trimmed);
    if (this.#block && entry) return addYamlEntry(this.#block, entry);
    this.end();
    const pairs = linePairs(trimmed);
    if (pairs) this.#add(pairs);
  }

  /** Closes an open EasyR1 block. */
  end(): void {
    const block = this.#block;
    this.#block = undefined;
    if (block) this.#add(block.pairs, block.step);
  }

  #add(pairs: Map<string, number>, step?: number): void {
    const pick = (field: MetricField | 'step') => KEYS[field].map((k) => pairs.get(k)).find((v) => v !== undefined);
    const metric: Partial<TrainingMetric> = {};
    for (const field of FIELDS) {
      const value = pick(field);
      if (value !== undefined && Number.isFinite(value)) metric[field] = value;
    }
    if (metric.loss === undefined && metric.reward === undefined && metric.accuracy === undefined && metric.kl === undefined) return;
    const logged = step ?? pick('step');
    const complete = { step: logged !== undefined ? Math.trunc(logged) : (this.metrics.at(-1)?.step ?? 0) + 1, ...metric };
    this.metrics.push(complete);
    this.onMetric(complete);
  }
}

function addYamlEntry(block: YamlBlock, [, spaces, key, value]: RegExpExecArray): void {
  const indent = spaces!.length;
  while (block.parents.length && block.parents.at(-1)!.indent >= indent) block.parents.pop();
  if (value === undefined) {
    block.parents.push({ indent, key: key! });
  } else if (WHOLE_NUMBER.test(value)) {
    block.pairs.set([...block.parents.map((p) => p.key), key].join('/'), Number(value));
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
