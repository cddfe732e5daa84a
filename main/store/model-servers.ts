import type { ServedModel } from '../../nodes/sdk/index.ts';
import type { Db } from './database.ts';

/** A model server replica this data dir started, kept so a later session can re-attach to it or stop it. */
export interface ModelServerRecord {
  id: string;
  host: string;
  jobId: string;
  spec: ServedModel;
  keepWarm: boolean;
  startedAt: number;
}

interface Row {
  id: string;
  host: string;
  job_id: string;
  spec_json: string;
  keep_warm: number;
  started_at: number;
}

const fromRow = (row: Row): ModelServerRecord => ({
  id: row.id,
  host: row.host,
  jobId: row.job_id,
  spec: JSON.parse(row.spec_json) as ServedModel,
  keepWarm: row.keep_warm === 1,
  startedAt: row.started_at,
});

export class ModelServerRecords {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  get(id: string): ModelServerRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM model_servers WHERE id = ?').get(id) as Row | undefined;
    return row && fromRow(row);
  }

  list(): ModelServerRecord[] {
    return (this.#db.prepare('SELECT * FROM model_servers ORDER BY started_at').all() as Row[]).map(fromRow);
  }

  put(record: ModelServerRecord): void {
    this.#db
      .prepare(
        `INSERT INTO model_servers (id, host, job_id, spec_json, keep_warm, started_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET host = excluded.host, job_id = excluded.job_id, spec_json = excluded.spec_json,
           keep_warm = excluded.keep_warm, started_at = excluded.started_at`,
      )
      .run(record.id, record.host, record.jobId, JSON.stringify(record.spec), record.keepWarm ? 1 : 0, record.startedAt);
  }

  delete(id: string): void {
    this.#db.prepare('DELETE FROM model_servers WHERE id = ?').run(id);
  }
}
