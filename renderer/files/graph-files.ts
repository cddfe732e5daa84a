import { graphFileText } from '../../main/graph/canonical.ts';
import { type LoadNotice, type NodeLookup, parseGraph } from '../../main/graph/parse.ts';
import type { CatalogIndex } from '../store/catalog-index.ts';
import { type SecretPath, withoutSecrets } from '../../main/graph/secrets.ts';
import { docToGraph, graphToDoc } from '../store/convert.ts';
import type { GraphDoc } from '../store/flow-types.ts';

/** The name of a new graph. */
export const UNTITLED = 'untitled';

/**
 * `parseGraph` with the catalog standing in for node definitions. It reads only `version` and `migrations`; the
 * renderer has no config migrations, so an older node stays at its version (with a notice) and the engine upgrades
 * its config when it runs.
 */
function catalogLookup(catalog: CatalogIndex): NodeLookup {
  return (type) => {
    const info = catalog.nodeTypes.get(type);
    return info && ({ version: info.version } as ReturnType<NodeLookup>);
  };
}

/** Parses a graph file's text; throws `GraphFileError` with the problems when it is not a valid graph file. */
export function readGraphText(text: string, source: string, catalog: CatalogIndex): { doc: GraphDoc; notices: LoadNotice[] } {
  const { graph, notices } = parseGraph(text, source, catalogLookup(catalog));
  return { doc: graphToDoc(graph), notices };
}

/** The canonical file text of the document. */
export function docText(doc: GraphDoc): string {
  return graphFileText(docToGraph(doc));
}

/** What a save writes: the document without secret-looking values (`clean` is undefined when it had none), and where they were. */
export function savedDoc(doc: GraphDoc): { text: string; clean?: GraphDoc; removed: SecretPath[] } {
  const { graph, removed } = withoutSecrets(docToGraph(doc));
  return { text: graphFileText(graph), removed, ...(removed.length ? { clean: graphToDoc(graph) } : {}) };
}

export function fileNameFor(graphName: string): string {
  return `${graphName.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'graph'}.rewatch.json`;
}

/** Saves through the browser's download (the Electron shell will offer a native save dialog instead). */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
