import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate, seedField } from '../../sdk/index.ts';
import { stableId } from '../ids.ts';
import { formatTimestamp } from '../timecode.ts';
import { DenseCaptionType, SummaryType, type Summary } from '../types.ts';

export const DEFAULT_SUMMARY_PROMPT = `Below is a detailed, timestamped description of a video ({{duration}} long).
Summarize the video in one short paragraph of at most five sentences: the setting, the main people or objects,
and the overall course of events. Leave out timestamps, exact counts, on-screen text and small details.

Detailed description:
{{caption}}`;

const config = z.object({
  provider: providerField('summary-llm', 'Lightweight model that compresses the dense caption into a summary (M_sum).'),
  prompt: promptField(
    DEFAULT_SUMMARY_PROMPT,
    'Summary prompt. `{{caption}}` is the dense caption C_detail, `{{duration}}` the video length as MM:SS.',
  ),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature.' }),
  seed: seedField(),
});

export const summarizer = defineMapNode({
  type: 'rewatch.summarizer',
  version: 1,
  title: 'Caption summarizer',
  category: 'Captions',
  description: 'C_sum = M_sum(C_detail): a short summary of each dense caption, the baseline contrastive QA must beat.',
  inputs: { captions: { type: DenseCaptionType, description: 'Dense captions (C_detail).' } },
  outputs: { summaries: { type: SummaryType, description: 'One summary (C_sum) per caption.' } },
  config,
  over: 'captions',
  concurrency: 16,
  async execute(ctx, { captions: caption }, c) {
    const reply = await ctx.llm.complete({
      profile: c.provider,
      temperature: c.temperature,
      seed: c.seed,
      messages: [
        {
          role: 'user',
          content: renderTemplate(c.prompt, { caption: caption.text, duration: formatTimestamp(caption.duration) }),
        },
      ],
    });
    if (!reply.text) throw Object.assign(new Error(`the summary of caption ${caption.id} is empty`), { raw: reply.raw });
    const summary: Summary = { id: stableId(caption.id), videoId: caption.videoId, captionId: caption.id, text: reply.text };
    return { summaries: [summary] };
  },
});
