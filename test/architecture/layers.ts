import type { ImportGraph, ImportTarget, ResolvedImport } from './import-graph.ts';

/**
 * The one-way layers of ARCHITECTURE.md ("Layers, one way") as rules over an import graph:
 *   nodes/    → nodes/ only, never main/; nodes/sdk/ → nodes/sdk/ only (a node library builds on it, not it on one);
 *   main/     → nodes/ only through the SDK (nodes/sdk/) and the catalog entry (nodes/index.ts);
 *   renderer/ → main/ only through the browser-safe shared modules below, and nothing it runs reaches a Node builtin
 *               or a Node-only package.
 */

/** The modules of main/ the editor shares with the engine: the API contract and the graph format and rules. */
export const BROWSER_SAFE_MAIN = [
  'main/api/contract.ts',
  'main/api/progress-text.ts',
  'main/graph/canonical.ts',
  'main/graph/format.ts',
  'main/graph/migrations.ts',
  'main/graph/node-config.ts',
  'main/graph/parse.ts',
  'main/graph/rules.ts',
  'main/graph/secrets.ts',
];

/** Packages that only run in Node (native addons, sockets, the file system, the OpenAI client the engine owns). */
export const NODE_ONLY_PACKAGES = [
  'better-sqlite3',
  'ssh2',
  'undici',
  'openai',
  'ws',
  '@hono/node-server',
  'electron',
  'tinyglobby',
  'tsx',
  'ffmpeg-static',
];

/** Files under renderer/ that Node runs, not the browser: Vite's config. */
export const RENDERER_NODE_SIDE = ['renderer/vite.config.ts'];

/** The catalog entry of the node library: the one module of nodes/ outside the SDK that main/ may import. */
const NODE_CATALOG = 'nodes/index.ts';

const under = (path: string, folder: string) => path.startsWith(`${folder}/`);
const filePath = (target: ImportTarget) => (target.kind === 'file' ? target.path : undefined);

function describe(file: string, line: ResolvedImport, problem: string): string {
  return `${file}:${line.line} imports '${line.specifier}': ${problem}`;
}

/** A Node builtin or Node-only package, by the name it is imported under; undefined for anything else. */
function nodeOnly(target: ImportTarget): string | undefined {
  if (target.kind === 'builtin') return target.name;
  if (target.kind === 'package' && NODE_ONLY_PACKAGES.includes(target.name)) return target.name;
  return undefined;
}

/**
 * The shortest chain of runtime imports from `start` to a Node-only import (`[start, …, 'node:fs']`), or undefined.
 * Type-only imports are erased from the JavaScript and are not followed.
 */
function pathToNodeOnly(graph: ImportGraph, start: string): string[] | undefined {
  const cameFrom = new Map<string, string | undefined>([[start, undefined]]);
  const chain = (end: string, last: string) => {
    const files: string[] = [];
    for (let at: string | undefined = end; at !== undefined; at = cameFrom.get(at)) files.unshift(at);
    return [...files, last];
  };
  for (const queue = [start]; queue.length > 0; ) {
    const file = queue.shift()!;
    for (const line of graph.get(file) ?? []) {
      if (line.typeOnly) continue;
      const reached = nodeOnly(line.target);
      if (reached) return chain(file, reached);
      const next = filePath(line.target);
      if (next !== undefined && !cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

function layerProblem(graph: ImportGraph, file: string, line: ResolvedImport): string | undefined {
  const { target } = line;
  if (target.kind === 'unresolved') return `does not resolve (${target.reason}), so its layer cannot be checked`;
  const imported = filePath(target);
  if (under(file, 'nodes') && imported && under(imported, 'main')) {
    return 'nodes/ never imports main/ (the node library reaches the engine only through nodes/sdk)';
  }
  if (under(file, 'nodes/sdk') && imported && under(imported, 'nodes') && !under(imported, 'nodes/sdk')) {
    return `nodes/sdk/ imports no node library, not ${imported}`;
  }
  if (under(file, 'main') && imported && under(imported, 'nodes') && !under(imported, 'nodes/sdk') && imported !== NODE_CATALOG) {
    return `main/ imports the node library only through nodes/sdk/ and ${NODE_CATALOG}, not ${imported}`;
  }
  if (!under(file, 'renderer') || RENDERER_NODE_SIDE.includes(file)) return undefined;
  if (imported && under(imported, 'main') && !BROWSER_SAFE_MAIN.includes(imported)) {
    return `renderer/ imports from main/ only the browser-safe shared modules (${BROWSER_SAFE_MAIN.join(', ')}), not ${imported}`;
  }
  if (line.typeOnly) return undefined;
  const direct = nodeOnly(target);
  if (direct) return `${direct} runs only in Node, not in the editor's browser page`;
  const chain = imported && pathToNodeOnly(graph, imported);
  return chain ? `it reaches ${chain.at(-1)}, which runs only in Node (${chain.join(' → ')})` : undefined;
}

/** Every import line that breaks a layer rule, as `file:line imports 'specifier': why`. */
export function layerViolations(graph: ImportGraph): string[] {
  return [...graph].flatMap(([file, lines]) =>
    lines.flatMap((line) => {
      const problem = layerProblem(graph, file, line);
      return problem ? [describe(file, line, problem)] : [];
    }),
  );
}
