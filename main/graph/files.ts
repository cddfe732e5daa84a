import { readFile, rename, writeFile } from 'node:fs/promises';
import { graphFileText } from './canonical.ts';
import type { GraphFile } from './format.ts';
import { GraphFileError, parseGraph, type NodeLookup, type ParsedGraph } from './parse.ts';
import { withoutSecrets, type SecretPath } from './secrets.ts';

export async function loadGraphFile(path: string, lookup: NodeLookup): Promise<ParsedGraph> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GraphFileError(path, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`]);
  }
  return parseGraph(text, path, lookup);
}

/** Writes the canonical text atomically (a crash never leaves half a file); secrets are removed and reported. */
export async function saveGraphFile(path: string, graph: GraphFile): Promise<{ removedSecrets: SecretPath[] }> {
  const { graph: clean, removed } = withoutSecrets(graph);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, graphFileText(clean), 'utf8');
  await rename(temporary, path);
  return { removedSecrets: removed };
}
