/**
 * Cache-hit overhead: source → `core.filter` over N small records, run once; then one record is appended, so the
 * source's output hash (and the filter's node key) changes while every earlier item key stays cached. The second
 * run's filter does N cache hits + 1 miss; its duration / N is the engine's cost per cached item. Baseline in the
 * same run: the least any implementation must do per item — read the rows from SQLite page by page and sha256 them.
 */
import { createHash } from 'node:crypto';
import { openDatabase } from '../main/store/database.ts';
import { atMost, chainGraph, fastestOf, fmt, openEngine, printTable, runGraph, scaled, withTempDir, writeJsonl, type BenchResult } from './support.ts';

const PAGE = 1000;

/** Reads a stored output's rows as the map runner does (same query, same page size) and hashes each one. */
function readAndHash(dataDir: string, nodeKey: string, count: number): void {
  const db = openDatabase(dataDir);
  try {
    const rows = db.prepare<[string, string, number, number], string>(
      'SELECT data FROM output_rows WHERE node_key = ? AND port = ? AND seq >= ? ORDER BY seq LIMIT ?',
    ).pluck();
    let hashed = 0;
    for (let offset = 0; offset < count; offset += PAGE) {
      for (const data of rows.all(nodeKey, 'items', offset, PAGE)) {
        createHash('sha256').update('scope').update('\n').update(data).digest('hex');
        hashed++;
      }
    }
    if (hashed !== count) throw new Error(`baseline read ${hashed} rows, expected ${count}`);
  } finally {
    db.close();
  }
}

export async function cacheHitOverhead(): Promise<BenchResult> {
  const items = scaled(170_000);
  return withTempDir(async (dir) => {
    const input = writeJsonl(`${dir}/items.jsonl`, items, (n) => ({ n, tag: 'bench' }));
    const dataDir = `${dir}/data`;
    const graph = chainGraph('bench-cache-hits', [
      { id: 'src', type: 'core.jsonl-source', config: { path: input } },
      { id: 'keep', type: 'core.filter', config: { field: 'n', operator: 'gte', value: 0, concurrency: 64 }, output: 'kept' },
    ]);
    const engine = openEngine(dataDir);
    let first, second;
    try {
      first = await runGraph(engine, graph);
      writeJsonl(input, 1, (n) => ({ n, tag: 'bench' }), { append: true, from: items });
      second = await runGraph(engine, graph);
    } finally {
      await engine.close();
    }
    const keep = second.node('keep');
    if (keep.itemsCached !== items || keep.itemsTotal !== items + 1) {
      throw new Error(`expected ${items} cached of ${items + 1}, got ${keep.itemsCached} of ${keep.itemsTotal}`);
    }
    const baselineMs = await fastestOf(3, () => readAndHash(dataDir, second.node('src').nodeKey!, items + 1));

    const perItemMs = keep.durationMs / items;
    const baselinePerItemMs = baselineMs / (items + 1);
    printTable(`Cache-hit overhead — ${fmt.int(items)} cached items + 1 miss through core.filter (concurrency 64)`, [
      ['first run, filter (all misses)', fmt.ms(first.node('keep').durationMs), `${fmt.us(first.node('keep').durationMs / items)} per item`],
      ['second run, filter (hits)', fmt.ms(keep.durationMs), `${fmt.int(keep.itemsCached)} cached, ${keep.itemsTotal - keep.itemsCached} run`],
      ['engine overhead per cached item', fmt.us(perItemMs), 'target ≤ 100 µs'],
      ['baseline: read pages + sha256', fmt.ms(baselineMs), 'fastest of 3'],
      ['baseline per item', fmt.us(baselinePerItemMs)],
      ['engine / baseline', `${fmt.ratio(perItemMs / baselinePerItemMs, 1)}×`],
    ]);
    return {
      name: 'cache-hit-overhead',
      metric: 'engine time per cached item (ms)',
      value: perItemMs,
      display: `${perItemMs.toFixed(4)} ms (${fmt.ratio(perItemMs / baselinePerItemMs, 1)}× baseline)`,
      target: atMost(0.1, ' ms'),
    };
  });
}
