import { describe, expect, it } from 'vitest';
import { progressBar } from '../../renderer/canvas/progress-bar.ts';

describe('a running node’s progress bar', () => {
  it('is indeterminate while nothing is known: a once-node, or no item has arrived yet', () => {
    expect(progressBar(0, 0, null)).toEqual({ kind: 'indeterminate' });
    expect(progressBar(0, 0, 0)).toEqual({ kind: 'indeterminate' });
  });

  it('shows the share done of the total once the whole input is there', () => {
    expect(progressBar(25, 100, 100)).toEqual({ kind: 'measured', done: 0.25, available: 1, growing: false });
  });

  it('shows what arrived so far and the share of it done while the input still grows', () => {
    expect(progressBar(10, 40, null)).toEqual({ kind: 'measured', done: 0.25, available: 1, growing: true });
    expect(progressBar(10, 40, 80)).toEqual({ kind: 'measured', done: 0.125, available: 0.5, growing: true });
  });

  it('never draws past the end or done beyond available', () => {
    expect(progressBar(120, 100, 100)).toMatchObject({ done: 1, available: 1 });
    expect(progressBar(30, 20, 100)).toMatchObject({ done: 0.3, available: 0.3 });
  });
});
