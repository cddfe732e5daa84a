/**
 * The report tests run the real engine on graphs of typed item sources feeding one `rewatch.dataset-report` node; a
 * port may take several sources (F1/F2/F3 verdicts, the SFT and GRPO datasets), each its own edge.
 */
import { join } from 'node:path';
import { NodeCatalog } from '../../../main/engine/catalog.ts';
import { Engine } from '../../../main/engine/engine.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import { nodeDefinitions } from '../../../nodes/index.ts';
import type { DatasetReport } from '../../../nodes/rewatch/report/types.ts';
import { DatasetType, FilterVerdictType, SegmentType, SummaryType, VideoType } from '../../../nodes/rewatch/types.ts';
import type { DataType } from '../../../nodes/sdk/index.ts';
import { profile, runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { itemSource } from '../../support/item-sources.ts';
import { sources, sourceType } from '../reasoning/support.ts';

const reportSources = [VideoType, SegmentType, SummaryType, FilterVerdictType, DatasetType].map((type) =>
  itemSource(sourceType(type), { items: type }),
);
const catalog = new NodeCatalog([...nodeDefinitions, ...sources, ...reportSources]);

/** Items for one edge into a port. */
export interface Feed {
  type: DataType;
  items: unknown[];
}

export function reportGraph(config: Record<string, unknown>, inputs: Record<string, Feed[]>): GraphFile {
  const feeds = Object.entries(inputs).flatMap(([port, list]) => list.map((feed, i) => ({ port, id: `src-${port}-${i}`, feed })));
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'report-under-test',
    nodes: [
      ...feeds.map(({ id, feed }, i) => ({
        id,
        type: sourceType(feed.type),
        typeVersion: 1,
        position: { x: 0, y: i * 100 },
        config: { items: feed.items },
      })),
      { id: 'report', type: 'rewatch.dataset-report', typeVersion: 1, position: { x: 300, y: 0 }, config },
    ],
    edges: feeds.map(({ port, id }) => ({ id: `e-${id}`, from: { node: id, port: 'items' }, to: { node: 'report', port } })),
  };
}

/** An engine whose `probe-text` profile is served by `baseURL` as model `prober`; `run` returns the one report. */
export function openReportEngine(baseURL: string) {
  const dir = tempDir('rewatch-report-');
  const engine = new Engine({
    dataDir: join(dir.path, 'data'),
    catalog,
    providers: [profile('probe-text', baseURL, { model: 'prober' })],
    llmBackoff: { baseMs: 5, capMs: 50 },
  });
  const run = async (config: Record<string, unknown>, inputs: Record<string, Feed[]>): Promise<DatasetReport> => {
    const detail = await runToEnd(engine, reportGraph({ outputDir: join(dir.path, 'out'), ...config }, inputs));
    if (detail.status !== 'done') throw new Error(`run ${detail.status}: ${JSON.stringify(detail.nodes)}`);
    const items = (await engine.nodeOutput(detail.runId, 'report', 'report', {})).items;
    if (items.length !== 1) throw new Error(`expected one report, got ${items.length}`);
    return items[0]!.data as DatasetReport;
  };
  const close = async () => {
    await engine.close();
    dir.remove();
  };
  return { outDir: join(dir.path, 'out'), run, close };
}
