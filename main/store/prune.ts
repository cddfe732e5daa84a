import { rmSync } from 'node:fs';
import type { BlobStore } from './blobs.ts';
import type { Db } from './database.ts';

export interface PruneOptions {
  /** Newest runs kept with their outputs. */
  keepRuns: number;
  /** Also drop LLM replies older than the oldest kept run (they cost money to get back). */
  llmCache?: boolean;
}

export interface PruneReport {
  runs: number;
  outputs: number;
  itemResults: number;
  llmReplies: number;
  blobs: number;
}

/** Deletes old runs and every cached result that no kept run produced or used. */
export function prune(db: Db, blobs: BlobStore, options: PruneOptions): PruneReport {
  const report = db.transaction((): PruneReport => {
    const oldRuns = db
      .prepare('SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT -1 OFFSET ?')
      .pluck()
      .all(options.keepRuns) as string[];
    for (const id of oldRuns) {
      for (const table of ['item_errors', 'node_items', 'llm_calls']) db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(id);
      db.prepare('DELETE FROM runs WHERE id = ?').run(id);
    }
    const oldest = (db.prepare('SELECT min(started_at) FROM runs').pluck().get() as number | null) ?? Date.now();
    const outputs = db
      .prepare(
        `DELETE FROM outputs WHERE node_key NOT IN (SELECT node_key FROM node_runs WHERE node_key IS NOT NULL)
         AND node_key NOT IN (SELECT output_key FROM node_runs WHERE output_key IS NOT NULL)`,
      )
      .run().changes;
    db.prepare('DELETE FROM output_rows WHERE node_key NOT IN (SELECT node_key FROM outputs)').run();
    const itemResults = db.prepare('DELETE FROM item_outputs WHERE created_at < ?').run(oldest).changes;
    const llmReplies = options.llmCache ? db.prepare('DELETE FROM llm_cache WHERE created_at < ?').run(oldest).changes : 0;
    return { runs: oldRuns.length, outputs, itemResults, llmReplies, blobs: 0 };
  })();

  const orphans = db
    .prepare(
      `SELECT hash FROM artifacts a WHERE NOT EXISTS (SELECT 1 FROM output_rows WHERE instr(data, a.hash) > 0)
       AND NOT EXISTS (SELECT 1 FROM item_outputs WHERE instr(outputs_json, a.hash) > 0)`,
    )
    .pluck()
    .all() as string[];
  for (const hash of orphans) {
    rmSync(blobs.path(hash), { force: true });
    db.prepare('DELETE FROM artifacts WHERE hash = ?').run(hash);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { ...report, blobs: orphans.length };
}
