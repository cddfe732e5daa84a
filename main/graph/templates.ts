import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { TemplateInfo } from '../api/contract.ts';
import { parseGraph, type NodeLookup, type ParsedGraph } from './parse.ts';

/** The graphs shipped in `templates/`, the paper's pipeline first. */
const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
const SUFFIX = '.rewatch.json';

export async function listTemplates(lookup: NodeLookup): Promise<TemplateInfo[]> {
  const names = (await readdir(TEMPLATES_DIR)).filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length));
  const infos = await Promise.all(
    names.map(async (name) => {
      const { graph } = await loadTemplate(name, lookup);
      return { name, title: graph.name, description: graph.description ?? '', nodeCount: graph.nodes.length };
    }),
  );
  return infos.sort((a, b) => (a.name === 'rewatch-r1' ? -1 : b.name === 'rewatch-r1' ? 1 : a.name.localeCompare(b.name)));
}

/** A template by name; undefined when there is none. */
export async function loadTemplate(name: string, lookup: NodeLookup): Promise<ParsedGraph> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new RangeError(`not a template name: ${JSON.stringify(name)}`);
  const path = join(TEMPLATES_DIR, `${name}${SUFFIX}`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    const known = (await readdir(TEMPLATES_DIR)).filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length));
    throw new RangeError(`no template "${name}" (templates: ${known.join(', ')})`);
  }
  return parseGraph(text, path, lookup);
}
