import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SampleBadge } from '../../renderer/runs/SampleBadge.tsx';

describe('the run history’s sample badge', () => {
  it('names the sample size, with the seed in its tooltip', () => {
    const html = renderToStaticMarkup(createElement(SampleBadge, { sample: { n: 25, seed: 3 } }));
    expect(html).toContain('>sample 25</span>');
    expect(html).toContain('title="A sample run: 25 items of each source, chosen with seed 3"');
  });
});
