import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/** Schema migrations: entry n brings a database from `user_version` n to n + 1. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    graph_name TEXT NOT NULL,
    graph_json TEXT NOT NULL,
    options_json TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled', 'interrupted')),
    pid INTEGER,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    error TEXT
  );
  CREATE INDEX runs_by_graph ON runs (graph_name, started_at);

  CREATE TABLE node_runs (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    node_id TEXT NOT NULL,
    node_type TEXT NOT NULL,
    state TEXT NOT NULL,
    node_key TEXT,
    -- Where this run's output is stored: the node key, or a run-scoped key when failed items make it partial.
    output_key TEXT,
    ingredients_json TEXT,
    salt TEXT,
    started_at INTEGER,
    finished_at INTEGER,
    items_total INTEGER NOT NULL DEFAULT 0,
    items_done INTEGER NOT NULL DEFAULT 0,
    items_cached INTEGER NOT NULL DEFAULT 0,
    items_failed INTEGER NOT NULL DEFAULT 0,
    llm_calls INTEGER NOT NULL DEFAULT 0,
    llm_cached INTEGER NOT NULL DEFAULT 0,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    output_counts_json TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    PRIMARY KEY (run_id, node_id)
  );
  CREATE INDEX node_runs_by_key ON node_runs (node_key);

  -- A node's complete output, addressed by its cache key.
  CREATE TABLE outputs (
    node_key TEXT PRIMARY KEY,
    node_type TEXT NOT NULL,
    -- Output port → {count, hash}.
    ports_json TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE output_rows (
    node_key TEXT NOT NULL,
    port TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (node_key, port, seq)
  ) WITHOUT ROWID;

  -- Per-item results of map nodes, written the moment each item finishes.
  CREATE TABLE item_results (
    item_key TEXT PRIMARY KEY,
    node_type TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE item_rows (
    item_key TEXT NOT NULL,
    port TEXT NOT NULL,
    idx INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (item_key, port, idx)
  ) WITHOUT ROWID;
  -- Which item result each input position of a node run maps to, for assembling the output in input order.
  CREATE TABLE node_items (
    run_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    item_key TEXT NOT NULL,
    PRIMARY KEY (run_id, node_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE item_errors (
    run_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    message TEXT NOT NULL,
    raw TEXT,
    PRIMARY KEY (run_id, node_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE llm_cache (
    request_hash TEXT PRIMARY KEY,
    raw TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE llm_calls (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    profile TEXT NOT NULL,
    model TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    cached INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX llm_calls_by_run ON llm_calls (run_id, node_id);

  CREATE TABLE artifacts (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mime TEXT,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE file_hashes (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    hash TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX file_hashes_by_hash ON file_hashes (hash);
  `,
  `
  CREATE TABLE model_servers (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    job_id TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    keep_warm INTEGER NOT NULL,
    started_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE node_metrics (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    node_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    point_json TEXT NOT NULL,
    PRIMARY KEY (run_id, node_id, seq)
  ) WITHOUT ROWID;
  `,
  `
  ALTER TABLE llm_calls ADD COLUMN repair INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE node_runs ADD COLUMN llm_repairs INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- Where the secret-looking values removed from the run's graph were (paths only, never the values).
  ALTER TABLE runs ADD COLUMN removed_secrets_json TEXT NOT NULL DEFAULT '[]';
  `,
  `
  -- Who pays for an LLM request now (leases.ts): one process at a time per request hash.
  -- As many rows as requests in flight: no index beyond the key.
  CREATE TABLE leases (
    key TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    claim INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    machine TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- The input position of the map item a call was made for (null outside map items), for the node's Errors tab.
  ALTER TABLE llm_calls ADD COLUMN item_seq INTEGER;
  `,
  `
  -- Map-item results as one row each, {port: [value, …]} in outputs_json (items.ts). A rowid table: rows are
  -- appended in commit order, so a group commit writes a few pages at the end instead of a page per random key.
  CREATE TABLE item_outputs (
    id INTEGER PRIMARY KEY,
    item_key TEXT NOT NULL UNIQUE,
    node_type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    outputs_json TEXT NOT NULL
  );
  INSERT INTO item_outputs (item_key, node_type, created_at, outputs_json)
    SELECT r.item_key, r.node_type, r.created_at, coalesce((
      SELECT json_group_object(port, json(vals)) FROM (
        SELECT port, json_group_array(json(data) ORDER BY idx) AS vals FROM item_rows
        WHERE item_key = r.item_key GROUP BY port ORDER BY port)), '{}')
    FROM item_results r ORDER BY r.created_at;
  DROP TABLE item_rows;
  DROP TABLE item_results;
  `,
  `
  -- Values a node computes once per key and keeps across runs (remembered.ts): a file's ffprobe reading, say.
  CREATE TABLE remembered (
    key TEXT PRIMARY KEY,
    value_json TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];

export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  // Under Electron the engine loads a better-sqlite3 built for Electron's ABI, so the same checkout keeps the
  // Node build for tests and the CLI.
  const nativeBinding = process.env.REWATCH_SQLITE_BINDING;
  const db = new Database(join(dataDir, 'rewatch.db'), nativeBinding ? { nativeBinding } : {});
  // First: processes opening one data dir together wait for each other's schema changes instead of failing.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // With WAL, NORMAL never corrupts the database on a crash; a power loss may lose the last commits only.
  db.pragma('synchronous = NORMAL');
  // A checkpoint copies the WAL into the database and syncs it, stalling the event loop of the process that commits
  // when the WAL reaches this many pages. The default (1000, 4 MB) stalls a run of LLM calls every second or so, each
  // time copying pages (the leases', the cache's) that the next commits change again; 10,000 pages (40 MB of WAL)
  // stall a tenth as often for fewer pages in all (see `npm run bench`, LLM fan-out).
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

/** Brings the schema up to date under the write lock, so a process opening the store at the same time waits. */
function migrate(db: Db): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(`the run store was written by a newer ReWatch Studio (schema ${current}, this one knows ${MIGRATIONS.length})`);
    }
    for (let version = current; version < MIGRATIONS.length; version += 1) db.exec(MIGRATIONS[version]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
