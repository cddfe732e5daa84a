/** The scripted pipeline model reports requests a node should never send, so "no violations" in the e2e test means something. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUMMARY_PROMPT } from '../../../nodes/rewatch/captions/summarizer.ts';
import { DEFAULT_QA_PROMPT } from '../../../nodes/rewatch/qa/contrastive-qa.ts';
import { DEFAULT_DISTRACTOR_CHECK_PROMPT, DEFAULT_DISTRACTOR_REPLACE_PROMPT } from '../../../nodes/rewatch/qa/distractor-check.ts';
import { DEFAULT_SUMMARY_MC_PROBE_PROMPT } from '../../../nodes/rewatch/qa/summary-bias-filter.ts';
import { DEFAULT_TEXT_MC_PROBE_PROMPT, DEFAULT_TEXT_PROBE_PROMPT } from '../../../nodes/rewatch/qa/text-bias-filter.ts';
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

  it('answers the multiple-choice probes and the distractor checks as it answers their open forms', async () => {
    const model = createScriptedModel();
    const summary = await model.respond(ask('summary-llm', renderTemplate(DEFAULT_SUMMARY_PROMPT, { caption: CAPTION, duration: '00:12' })));
    const options = 'A. blue\nB. red\nC. green';
    const probe = (template: string, question: string) =>
      model.respond(ask('probe-text', renderTemplate(template, { question, summary, options })));
    expect(await probe(DEFAULT_SUMMARY_MC_PROBE_PROMPT, 'Which colour does the video open on?')).toBe('The answer is B.');
    expect(await probe(DEFAULT_TEXT_MC_PROBE_PROMPT, 'Which colour does the video open on?')).toBe('I cannot tell without watching the video.');
    expect(await probe(DEFAULT_TEXT_MC_PROBE_PROMPT, 'After the cut the screen turns blue. Which colour does it turn?')).toBe('The answer is A.');
    const firstTime = 'At what time does the screen first turn blue?';
    const written = await model.respond(
      ask('qa-llm', renderTemplate(DEFAULT_QA_PROMPT, { caption: CAPTION, summary, count: 8, types: '- counting', duration: '00:12' })),
    );
    expect(JSON.parse(written).questions.map((q: { question: string }) => q.question)).toContain(firstTime);
    expect(model.guessableFromOptions).toEqual(new Set(['At what time does the screen first turn red?', firstTime]));
    const timeOptions = 'A. 00:19\nB. 00:04\nC. 00:34';
    expect(await model.respond(ask('probe-vlm', renderTemplate(DEFAULT_TEXT_MC_PROBE_PROMPT, { question: firstTime, options: timeOptions })))).toBe(
      'The answer is B.',
    );
    expect(await model.respond(ask('probe-vlm', renderTemplate(DEFAULT_TEXT_PROBE_PROMPT, { question: firstTime })))).toBe(
      'I cannot tell without watching the video.',
    );

    const question = { question: 'What colour is the screen from 00:00 to 00:08?', answer: 'red', type: 'object recognition' };
    const checked = await model.respond(
      ask('judge-llm', renderTemplate(DEFAULT_DISTRACTOR_CHECK_PROMPT, { ...question, caption: CAPTION, evidence: '00:00-00:08', distractors: '1. blue\n2. green' })),
    );
    expect(JSON.parse(checked)).toEqual({
      checks: [
        { alsoCorrect: true, reason: 'The line [00:04-00:08] states it.' },
        { alsoCorrect: false, reason: 'No line in the evidence span states it.' },
      ],
    });
    const replaced = await model.respond(
      ask('qa-llm', renderTemplate(DEFAULT_DISTRACTOR_REPLACE_PROMPT, { ...question, count: 1, kept: '- red\n- green', rejected: '- blue: shown at 00:04' })),
    );
    expect(JSON.parse(replaced)).toEqual({ distractors: ['yellow'] });
    expect(model.violations).toEqual([]);
  });
});
