/**
 * Writes `schema/rewatch-graph.schema.json`, the JSON Schema (draft 2020-12) of the `*.rewatch.json` graph file,
 * generated from the zod schema in `main/graph/format.ts` so that editors and other tools can check graph files.
 *
 *   npm run schema                 write the file
 *   npm run schema -- --check      exit 1 when the committed file differs from what the code generates (CI)
 *   npm run schema -- [--check] OUT.json   the same with another file
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { GRAPH_FORMAT, GRAPH_FORMAT_VERSION, graphFileSchema } from '../main/graph/format.ts';

export const GRAPH_SCHEMA_PATH = fileURLToPath(new URL('../schema/rewatch-graph.schema.json', import.meta.url));
export const GRAPH_SCHEMA_ID = `urn:rewatch-studio:graph:${GRAPH_FORMAT_VERSION}`;

/** The graph file's JSON Schema: what a file may hold when it is read (unknown extra keys are allowed and kept). */
export function graphJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(graphFileSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: GRAPH_SCHEMA_ID,
    title: 'ReWatch Studio graph file',
    description:
      `A ReWatch Studio pipeline graph (\`*.rewatch.json\`), format "${GRAPH_FORMAT}" version ${GRAPH_FORMAT_VERSION}: ` +
      'nodes with their config and edges between their ports. Generated from main/graph/format.ts by `npm run schema`; do not edit.',
    ...rest,
  };
}

/** The bytes the schema file is saved as: 2-space indent, trailing newline. */
export function graphJsonSchemaText(): string {
  return `${JSON.stringify(graphJsonSchema(), null, 2)}\n`;
}

function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    if (left[i] !== right[i]) {
      return `line ${i + 1}: the file has ${JSON.stringify(left[i] ?? '(end of file)')}, the code generates ${JSON.stringify(right[i] ?? '(end of file)')}`;
    }
  }
  return 'same lines';
}

export async function main(args: readonly string[]): Promise<number> {
  const check = args.includes('--check');
  const unknown = args.filter((arg) => arg.startsWith('-') && arg !== '--check');
  const paths = args.filter((arg) => !arg.startsWith('-'));
  if (unknown.length || paths.length > 1) {
    console.error('usage: write-graph-schema.ts [--check] [OUT.json]');
    return 2;
  }
  const file = paths[0] ? resolve(paths[0]) : GRAPH_SCHEMA_PATH;
  const shown = relative(process.cwd(), file) || file;
  const text = graphJsonSchemaText();
  if (check) {
    let current: string;
    try {
      current = await readFile(file, 'utf8');
    } catch (error) {
      console.error(`${shown} is missing (${(error as NodeJS.ErrnoException).code ?? error}); run \`npm run schema\` to write it.`);
      return 1;
    }
    if (current !== text) {
      console.error(
        `${shown} is out of date with main/graph/format.ts (${firstDifference(current, text)}); run \`npm run schema\` and commit the result.`,
      );
      return 1;
    }
    console.log(`${shown} is up to date.`);
    return 0;
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, 'utf8');
  console.log(`wrote ${shown}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
