import { describe, expect, it } from 'vitest';
import { progressText } from '../../main/api/progress-text.ts';

describe('progress counts', () => {
  it('shows done/total once the whole input is there, and done/available/total while it grows', () => {
    expect(progressText(3, 10, 10)).toBe('3/10');
    expect(progressText(3, 7, null)).toBe('3/7/?');
    expect(progressText(0, 0, 0)).toBe('0/0');
  });
});
