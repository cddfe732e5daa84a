import { describe, expect, it } from 'vitest';
import { extractJson, stripThinking } from '../../main/llm/index.ts';

describe('stripThinking', () => {
  it('removes a <think> preamble', () => {
    expect(stripThinking('<think>\nlet me see {"a":1}\n</think>\n\nThe answer is 4.')).toBe('The answer is 4.');
  });

  it('removes a leading block whose <think> was in the prompt template', () => {
    expect(stripThinking('reasoning about it...\n</think>\nFinal.')).toBe('Final.');
  });

  it('removes several blocks and keeps the rest', () => {
    expect(stripThinking('<think>a</think>one <THINK>b</THINK>two')).toBe('one two');
  });

  it('drops an unclosed <think> that runs to the end', () => {
    expect(stripThinking('Answer first. <think>never finished')).toBe('Answer first.');
  });

  it('leaves text without thinking alone (trimmed)', () => {
    expect(stripThinking('  plain reply \n')).toBe('plain reply');
  });
});

describe('extractJson', () => {
  it('parses a bare JSON reply', () => {
    expect(extractJson('{"answer": "B", "n": [1, 2]}')).toEqual({ ok: true, value: { answer: 'B', n: [1, 2] } });
  });

  it('ignores a think preamble that itself contains braces', () => {
    expect(extractJson('<think>maybe {"answer": "A"}? no.</think>{"answer": "C"}')).toEqual({
      ok: true,
      value: { answer: 'C' },
    });
  });

  it('takes JSON from a ```json fence surrounded by prose', () => {
    const reply = 'Here you go:\n```json\n{"items": [{"t": 1}, {"t": 2}]}\n```\nHope that helps {really}.';
    expect(extractJson(reply)).toEqual({ ok: true, value: { items: [{ t: 1 }, { t: 2 }] } });
  });

  it('takes JSON from an unlabelled fence and skips fences in other languages', () => {
    const reply = '```python\nprint({1: 2})\n```\n```\n[1, 2, 3]\n```';
    expect(extractJson(reply)).toEqual({ ok: true, value: [1, 2, 3] });
  });

  it('finds the first balanced object in prose, with trailing prose', () => {
    const reply = 'Sure! The result is {"q": "why?", "a": {"b": [1, {"c": null}]}} and that is all.';
    expect(extractJson(reply)).toEqual({ ok: true, value: { q: 'why?', a: { b: [1, { c: null }] } } });
  });

  it('is not fooled by braces, brackets and escaped quotes inside strings', () => {
    const reply = 'Result: {"text": "a } b ] c { \\"quoted }\\" [", "ok": true} trailing }';
    expect(extractJson(reply)).toEqual({ ok: true, value: { text: 'a } b ] c { "quoted }" [', ok: true } });
  });

  it('skips brace-delimited prose that is not JSON', () => {
    expect(extractJson('Use {curly} style. {"x": 1}')).toEqual({ ok: true, value: { x: 1 } });
  });

  it('explains what is wrong when there is no JSON', () => {
    const result = extractJson('I cannot answer that.');
    expect(result).toEqual({ ok: false, reason: 'the reply contains no JSON object or array' });
  });

  it('explains a truncated object', () => {
    const result = extractJson('{"answer": "B", "why": "because');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/not closed/);
  });

  it('explains invalid JSON', () => {
    const result = extractJson("{'answer': 'B'}");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^invalid JSON: /);
  });

  it('reports an empty reply (only thinking)', () => {
    expect(extractJson('<think>hmm')).toEqual({ ok: false, reason: 'the reply is empty' });
  });
});
