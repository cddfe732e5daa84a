/**
 * Lays out every template in `templates/` as "Auto-layout" does in the editor (each group a framed block, the blocks
 * wrapped into rows that fill the editor's canvas) and saves it canonically. Node sizes are estimated from their
 * port rows, as the editor estimates nodes it has not measured.
 *
 *   node scripts/rewatch-tsx.mjs scripts/layout-templates.ts
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeCatalog } from '../main/engine/catalog.ts';
import { graphFileText } from '../main/graph/canonical.ts';
import { parseGraph } from '../main/graph/parse.ts';
import { nodeDefinitions } from '../nodes/index.ts';
import { estimatedNodeSize, groupedLayout } from '../renderer/store/layout.ts';

const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));
/** The editor's canvas at its default panel sizes, 810×428 px in a 1366×768 window. */
const CANVAS_ASPECT = 810 / 428;

const catalog = new NodeCatalog(nodeDefinitions);
const portCount = new Map(catalog.describe().nodes.map((n) => [n.type, n.inputs.length + n.outputs.length]));

for (const file of (await readdir(TEMPLATES_DIR)).filter((f) => f.endsWith('.rewatch.json'))) {
  const path = join(TEMPLATES_DIR, file);
  const { graph } = parseGraph(await readFile(path, 'utf8'), path, catalog.lookup);
  const positions = await groupedLayout({
    nodes: graph.nodes.map((n) => ({ id: n.id, ...estimatedNodeSize(portCount.get(n.type) ?? 2) })),
    edges: graph.edges.map((e) => ({ source: e.from.node, target: e.to.node })),
    groups: graph.groups,
    aspect: CANVAS_ASPECT,
  });
  const laidOut = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })) };
  await writeFile(path, graphFileText(laidOut));
  console.log(`laid out ${file}`);
}
