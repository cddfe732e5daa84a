/** The scripted pipeline model reports requests a node should never send, so "no violations" in the e2e test means something. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUMMARY_PROMPT } from '../../../nodes/rewatch/captions/summarizer.ts';
import { DEFAULT_TEXT_PROBE_PROMPT } from '../../../nodes/rewatch/qa/text-bias-filter.ts';
import { DEFAULT_REASONER_PROMPT } from '../../../nodes/rewatch/reasoning/react.ts';
import { renderTemplate } from '../../../nodes/sdk/index.ts';
import type { ScriptedChatRequest } from '../../support/scripted-llm-server.ts';
import { createScriptedModel } from '../../support/scripted-model.ts';

const ask = (model: string, content: ScriptedChatRequest['messages'][number]['content']): ScriptedChatRequest => ({
  model,
  messages: [{ role: 'user', content }],
  body: {},
});

const CAPTION = '[00:00-00:03] the screen shows plain red\n[00:04-00:08] the screen shows plain blue';
const clipPrompt = { type: 'text', text: 'This is a 00:12 clip (part 1 of 1) of a video.' };

describe('the scripted pipeline model', () => {
  it('records a captioner request without frames, and one whose frames have no [MM:SS] label', async () => {
    const model = createScriptedModel();
    await expect(model.respond(ask('captioner-vlm', [{ type: 'video_url', video_url: { url: 'file:///v.mp4' } }, clipPrompt]))).resolves.toBe('');
    const unlabelled = ask('captioner-vlm', [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/AA' } }, clipPrompt]);
    await expect(model.respond(unlabelled)).rejects.toThrow('image 0 has no [MM:SS] text part before it');
    expect(model.violations).toEqual([
      'captioner-vlm: a request without image parts',
      'captioner-vlm: frame labels do not start at 00:00 of the clip',
      'captioner-vlm: image 0 has no [MM:SS] text part before it',
    ]);
  });

  it('records probes that see the caption or, without the summary stage, the summary', async () => {
    const model = createScriptedModel();
    const summary = await model.respond(ask('summary-llm', renderTemplate(DEFAULT_SUMMARY_PROMPT, { caption: CAPTION, duration: '00:12' })));
    expect(summary).toBe('It opens on a plain red screen, then the picture changes a few times.');
    const question = 'Which colour does the video open on?';
    await model.respond(ask('probe-text', renderTemplate(DEFAULT_TEXT_PROBE_PROMPT, { question: `${CAPTION}\n${question}` })));
    const answer = await model.respond(ask('probe-vlm', renderTemplate(DEFAULT_TEXT_PROBE_PROMPT, { question: `${summary} ${question}` })));
    expect(answer).toBe('It is probably red.');
    expect(model.violations).toEqual(['probe-text: the prompt shows caption lines', 'probe-vlm: a text-only probe sees the summary']);
  });

  it('records a reasoner shown the caption, and fails requests for a model it does not have', async () => {
    const model = createScriptedModel();
    const prompt = renderTemplate(DEFAULT_REASONER_PROMPT, { question: 'What colour?', options: `A. red\nB. blue\n${CAPTION}`, letters: 'A, B', maxSteps: 11 });
    await model.respond(ask('reasoner-llm', prompt));
    await expect(model.respond(ask('gpt-x', 'hello'))).rejects.toThrow('no model called "gpt-x"');
    expect(model.violations).toEqual(['reasoner-llm: the reasoner is shown the caption', 'gpt-x: no model called "gpt-x"']);
  });
});
