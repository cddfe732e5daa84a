import type { MetricPoint } from '../../nodes/sdk/index.ts';
import type { Db } from './database.ts';

/** A metric point as stored: `seq` orders the points of one node run and lets a live view drop duplicates. */
export interface StoredMetric {
  seq: number;
  point: MetricPoint;
}

/** The metrics nodes record while they run (training curves), kept with the run so a reopened view shows them. */
export class NodeMetrics {
  readonly #db: Db;
  readonly #insert;
  readonly #next = new Map<string, number>();

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare('INSERT INTO node_metrics (run_id, node_id, seq, point_json) VALUES (?, ?, ?, ?)');
  }

  append(runId: string, nodeId: string, point: MetricPoint): StoredMetric {
    const key = `${runId}\u0000${nodeId}`;
    let seq = this.#next.get(key);
    if (seq === undefined) {
      const row = this.#db.prepare('SELECT MAX(seq) AS last FROM node_metrics WHERE run_id = ? AND node_id = ?').get(runId, nodeId) as { last: number | null };
      seq = (row.last ?? -1) + 1;
    }
    this.#insert.run(runId, nodeId, seq, JSON.stringify(point));
    this.#next.set(key, seq + 1);
    return { seq, point };
  }

  list(runId: string, nodeId: string): StoredMetric[] {
    const rows = this.#db
      .prepare('SELECT seq, point_json FROM node_metrics WHERE run_id = ? AND node_id = ? ORDER BY seq')
      .all(runId, nodeId) as Array<{ seq: number; point_json: string }>;
    return rows.map((row) => ({ seq: row.seq, point: JSON.parse(row.point_json) as MetricPoint }));
  }
}
