import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate, seedField } from '../../sdk/index.ts';
import { stableId } from '../ids.ts';
import { CoTType, TrajectoryType, type Trajectory } from '../types.ts';
import { evidenceActions, formatAction } from './actions.ts';
import { cotProblems } from './cot-tags.ts';
import { renderQuestion } from './question-text.ts';

const DEFAULT_CONVERT_PROMPT = `Below is how an assistant answered a question about a video by re-watching it: its thoughts, the actions it took and what each action showed.
Rewrite it as one natural, first-person chain of reasoning, as if you were re-watching the video yourself.

Question: {{question}}

Trajectory:
{{trajectory}}

Rules:
- Keep every action, in the same order, written exactly as given, inside <action></action> tags, e.g. <action>segment_query(01:10-01:25)</action>.
- Right after each action, put what it showed inside <observation></observation> tags, keeping all its facts and times.
- Between them, reason naturally: what you need to find out, what the observation tells you, what to check next. Do not mention a trajectory, an observer or these instructions.
- Finish with <answer>{{finalAnswer}}</answer> and write nothing after it.
- Use these tags nowhere else.`;

const config = z.object({
  converter: providerField('convert-llm', 'M_convert: the model that rewrites trajectories as natural reasoning.'),
  prompt: promptField(
    DEFAULT_CONVERT_PROMPT,
    'Conversion prompt. `{{question}}` (with its options), `{{trajectory}}` (the steps as Thought/Action/Observation ' +
      'lines) and `{{finalAnswer}}` are filled in.',
  ),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature.' }),
  seed: seedField(),
});

/** The trajectory as the converter reads it: Thought / Action / Observation per step, then the final answer. */
function renderTrajectory(trajectory: Trajectory): string {
  return trajectory.steps
    .map((step, i) => {
      const lines = [`Step ${i + 1}`, `Thought: ${step.thought}`];
      if (step.action.name === 'answer') lines.push(`Final answer: ${step.action.argument}`);
      else lines.push(`Action: ${formatAction(step.action)}`, `Observation: ${step.observation}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

export const cotConvert = defineMapNode({
  type: 'rewatch.cot-convert',
  version: 1,
  title: 'CoT conversion',
  category: 'Reasoning',
  description:
    'M_convert: rewrites each trajectory as natural reasoning with <action>, <observation> and <answer> tags, ' +
    'checked against the trajectory (same actions in order, same answer).',
  inputs: { trajectories: { type: TrajectoryType, description: 'Accepted ReAct trajectories.' } },
  outputs: { cot: { type: CoTType, description: 'Chains of thought whose tags match their trajectory.' } },
  config,
  over: 'trajectories',
  concurrency: 16,
  async execute(ctx, { trajectories: trajectory }, c) {
    const reply = await ctx.llm.complete({
      profile: c.converter,
      temperature: c.temperature,
      seed: c.seed,
      messages: [
        {
          role: 'user',
          content: renderTemplate(c.prompt, {
            question: renderQuestion(trajectory.question, trajectory.options),
            trajectory: renderTrajectory(trajectory),
            finalAnswer: trajectory.finalAnswer,
          }),
        },
      ],
    });
    const text = reply.text.trim();
    const problems = cotProblems(text, {
      actions: evidenceActions(trajectory.steps),
      finalAnswer: trajectory.finalAnswer,
      options: trajectory.options,
    });
    if (problems.length) {
      throw Object.assign(new Error(`the converted CoT does not match the trajectory: ${problems.join('; ')}`), {
        raw: reply.raw,
      });
    }
    return {
      cot: [
        {
          id: stableId('cot', trajectory.id),
          trajectoryId: trajectory.id,
          questionId: trajectory.questionId,
          videoId: trajectory.videoId,
          videoPath: trajectory.videoPath,
          captionId: trajectory.captionId,
          question: trajectory.question,
          form: trajectory.form,
          ...(trajectory.options ? { options: trajectory.options } : {}),
          groundTruth: trajectory.groundTruth,
          text,
          ...(reply.usage.completionTokens > 0 ? { completionTokens: reply.usage.completionTokens } : {}),
        },
      ],
    };
  },
});
