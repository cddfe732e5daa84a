import { z } from 'zod';
import { defineDataType } from '../../sdk/index.ts';

/** One logged training step; the fields a trainer did not log are absent. */
const trainingMetricSchema = z.object({
  step: z.number().int(),
  epoch: z.number().optional(),
  loss: z.number().optional(),
  learningRate: z.number().optional(),
  reward: z.number().optional(),
  accuracy: z.number().optional(),
  kl: z.number().optional(),
});
export type TrainingMetric = z.infer<typeof trainingMetricSchema>;

const trainingRunSchema = z.object({
  trainer: z.enum(['llamafactory', 'easyr1']),
  /** The host the job ran on (`local` or a name from hosts.yaml). */
  host: z.string(),
  jobId: z.string(),
  /** Where the trainer saved its checkpoints, on the host. */
  checkpointPath: z.string(),
  metrics: z.array(trainingMetricSchema),
  exitCode: z.number().int().nullable(),
});
export type TrainingRun = z.infer<typeof trainingRunSchema>;

export const TrainingRunType = defineDataType({
  id: 'TrainingRun',
  title: 'Training run',
  description: 'A finished training job: its host, job id, checkpoint folder and logged metrics (loss, reward, KL…).',
  color: '#6366f1',
  schema: trainingRunSchema,
});
