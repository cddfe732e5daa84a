/**
 * Port colours are how a user tells data types apart on the canvas: each must stand out from the node's background
 * (WCAG 2.1 non-text contrast, 3:1) and from every other type's colour (CIE76 ΔE ≥ 20 in L*a*b*, well past the
 * "clearly different at a glance" range of about 10).
 */
import { describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { nodeDefinitions } from '../../nodes/index.ts';

/** `.gnode` background in renderer/app/theme.css, behind every port handle. */
const NODE_BACKGROUND = '#1d212a';

const channels = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** sRGB → CIE L*a*b* (D65). */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

const deltaE = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

describe('data type colours', () => {
  const types = new NodeCatalog(nodeDefinitions).describe().dataTypes;

  it('covers the paper’s types', () => {
    expect(types.map((t) => t.id)).toEqual(expect.arrayContaining(['Video', 'Segment', 'DenseCaption', 'QA', 'MCQ', 'CoT', 'ServedModel']));
  });

  it('each stands out from the node background', () => {
    for (const type of types) expect(contrast(type.color, NODE_BACKGROUND), type.id).toBeGreaterThanOrEqual(3);
  });

  it('no two look alike', () => {
    for (const [i, a] of types.entries()) {
      for (const b of types.slice(i + 1)) expect(deltaE(a.color, b.color), `${a.id} ${a.color} vs ${b.id} ${b.color}`).toBeGreaterThanOrEqual(20);
    }
  });
});
