import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importLines, scanImports, type ImportGraph, type ResolvedImport } from './import-graph.ts';
import { layerViolations } from './layers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('import lines', () => {
  it('reads static imports, export … from, dynamic import() and type positions, across lines', () => {
    const text = [
      "import { a,",
      "  b } from './a.ts';",
      "import type { T } from '../t.ts';",
      "import './side-effect.ts';",
      "export { c } from '../../main/c.ts';",
      "export type { U } from './u.ts';",
      "export * from 'zod';",
      "const lazy = () => import('node:fs');",
      "const computed = (name: string) => import(name);",
      "let v: typeof import('./v.ts');",
      "const s = 'import x from \"./not-an-import.ts\"';",
    ].join('\n');
    expect(importLines('x.ts', text)).toEqual([
      { specifier: './a.ts', line: 1, typeOnly: false },
      { specifier: '../t.ts', line: 3, typeOnly: true },
      { specifier: './side-effect.ts', line: 4, typeOnly: false },
      { specifier: '../../main/c.ts', line: 5, typeOnly: false },
      { specifier: './u.ts', line: 6, typeOnly: true },
      { specifier: 'zod', line: 7, typeOnly: false },
      { specifier: 'node:fs', line: 8, typeOnly: false },
      { specifier: '<computed>', line: 9, typeOnly: false },
      { specifier: './v.ts', line: 10, typeOnly: true },
    ]);
  });
});

/** A graph written by hand: each file's imports as [specifier, resolved target, type-only?]. */
function graphOf(files: Record<string, Array<[string, ResolvedImport['target'], boolean?]>>): ImportGraph {
  return new Map(
    Object.entries(files).map(([file, lines]) => [
      file,
      lines.map(([specifier, target, typeOnly = false], i) => ({ specifier, line: i + 1, typeOnly, target })),
    ]),
  );
}

const file = (path: string) => ({ kind: 'file' as const, path });

describe('the layer rules', () => {
  it('name each file and import that crosses a layer the wrong way', () => {
    const graph = graphOf({
      'nodes/rewatch/x.ts': [
        ['../../main/reward/y.ts', file('main/reward/y.ts')],
        ['../sdk/index.ts', file('nodes/sdk/index.ts')],
      ],
      'main/engine/z.ts': [
        ['../../nodes/rewatch/types.ts', file('nodes/rewatch/types.ts'), true],
        ['../../nodes/index.ts', file('nodes/index.ts')],
        ['../../nodes/sdk/context.ts', file('nodes/sdk/context.ts')],
      ],
      'main/graph/format.ts': [['../../nodes/sdk/video-budget.ts', file('nodes/sdk/video-budget.ts')]],
      'main/graph/parse.ts': [['./format.ts', file('main/graph/format.ts')]],
      'nodes/sdk/video-budget.ts': [
        ['./helpers.ts', file('nodes/sdk/helpers.ts')],
        ['../rewatch/video-budget.ts', file('nodes/rewatch/video-budget.ts'), true],
      ],
      'nodes/sdk/helpers.ts': [['node:crypto', { kind: 'builtin', name: 'node:crypto' }]],
      'renderer/a.tsx': [
        ['../main/api/contract.ts', file('main/api/contract.ts'), true],
        ['../main/store/index.ts', file('main/store/index.ts'), true],
        ['../main/graph/parse.ts', file('main/graph/parse.ts')],
        ['../nodes/rewatch/types.ts', file('nodes/rewatch/types.ts'), true],
        ['better-sqlite3', { kind: 'package', name: 'better-sqlite3' }],
        ['react', { kind: 'package', name: 'react' }],
        ['./missing.ts', { kind: 'unresolved', reason: 'no file renderer/missing.ts' }],
      ],
      'renderer/vite.config.ts': [['node:url', { kind: 'builtin', name: 'node:url' }]],
    });
    expect(layerViolations(graph)).toEqual([
      "nodes/rewatch/x.ts:1 imports '../../main/reward/y.ts': nodes/ never imports main/ (the node library reaches the engine only through nodes/sdk)",
      "main/engine/z.ts:1 imports '../../nodes/rewatch/types.ts': main/ imports the node library only through nodes/sdk/ and nodes/index.ts, not nodes/rewatch/types.ts",
      "nodes/sdk/video-budget.ts:2 imports '../rewatch/video-budget.ts': nodes/sdk/ imports no node library, not nodes/rewatch/video-budget.ts",
      expect.stringMatching(/^renderer\/a\.tsx:2 imports '\.\.\/main\/store\/index\.ts': renderer\/ imports from main\/ only the browser-safe shared modules \(main\/api\/contract\.ts, .*\), not main\/store\/index\.ts$/),
      "renderer/a.tsx:3 imports '../main/graph/parse.ts': it reaches node:crypto, which runs only in Node (main/graph/parse.ts → main/graph/format.ts → nodes/sdk/video-budget.ts → nodes/sdk/helpers.ts → node:crypto)",
      "renderer/a.tsx:5 imports 'better-sqlite3': better-sqlite3 runs only in Node, not in the editor's browser page",
      "renderer/a.tsx:7 imports './missing.ts': does not resolve (no file renderer/missing.ts), so its layer cannot be checked",
    ]);
  });
});

describe('the repository', () => {
  const graph = scanImports(ROOT, ['main', 'nodes', 'renderer', 'preload']);

  it('is scanned whole', () => {
    // Guards against a scan that finds nothing and so passes: the engine's own imports are seen and resolved.
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('main/engine/engine.ts')?.map((line) => line.target)).toContainEqual({ kind: 'file', path: 'nodes/sdk/index.ts' });
    expect(graph.get('renderer/main.tsx')?.length).toBeGreaterThan(0);
  });

  it('keeps its layers one way', () => {
    expect(layerViolations(graph)).toEqual([]);
  });
});
