import type { NodeRunInfo, NodeState, NodeTotals, RunInfo, RunStatus, SampleSpec } from '../api/contract.ts';
import type { Db } from './database.ts';

interface RunRow {
  id: string;
  graph_name: string;
  graph_json: string;
  status: RunStatus;
  started_at: number;
  finished_at: number | null;
  error: string | null;
  /** The run options' `sample`, for a sample run. */
  sample_json: string | null;
}

/** The columns a `RunInfo` is made of (the sample is kept with the run's options). */
const RUN_COLUMNS = "id, graph_name, graph_json, status, started_at, finished_at, error, json_extract(options_json, '$.sample') AS sample_json";

interface NodeRunRow {
  node_id: string;
  node_type: string;
  state: NodeState;
  node_key: string | null;
  output_key: string | null;
  ingredients_json: string | null;
  salt: string | null;
  started_at: number | null;
  finished_at: number | null;
  items_total: number;
  items_done: number;
  items_cached: number;
  items_failed: number;
  llm_calls: number;
  llm_cached: number;
  llm_repairs: number;
  tokens_in: number;
  tokens_out: number;
  output_counts_json: string;
  error: string | null;
}

/** What the executor writes about one node in one run. */
export interface NodeRunRecord {
  nodeId: string;
  nodeType: string;
  state: NodeState;
  nodeKey?: string | null;
  outputKey?: string | null;
  ingredients?: unknown;
  salt?: string | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  totals?: Partial<NodeTotals>;
  outputCounts?: Record<string, number>;
  error?: string | null;
}

export interface PreviousNodeRun {
  runId: string;
  state: NodeState;
  nodeKey: string | null;
  ingredients: unknown;
  salt: string | null;
  runStatus: RunStatus;
}

const SUM_TOTALS = `coalesce(sum(items_total), 0) AS items_total, coalesce(sum(items_done), 0) AS items_done,
  coalesce(sum(items_cached), 0) AS items_cached, coalesce(sum(items_failed), 0) AS items_failed,
  coalesce(sum(llm_calls), 0) AS llm_calls, coalesce(sum(llm_cached), 0) AS llm_cached,
  coalesce(sum(llm_repairs), 0) AS llm_repairs,
  coalesce(sum(tokens_in), 0) AS tokens_in, coalesce(sum(tokens_out), 0) AS tokens_out`;

/** A run's LLM totals from its call log (`llm_calls`), for a whole run or `GROUP BY node_id`. */
const LEDGER_SUMS = `count(*) AS llm_calls, coalesce(sum(cached), 0) AS llm_cached, coalesce(sum(repair), 0) AS llm_repairs,
  coalesce(sum(prompt_tokens), 0) AS tokens_in, coalesce(sum(completion_tokens), 0) AS tokens_out FROM llm_calls WHERE run_id = ?`;

type LedgerSums = Pick<NodeRunRow, 'llm_calls' | 'llm_cached' | 'llm_repairs' | 'tokens_in' | 'tokens_out'>;

const NO_CALLS: LedgerSums = { llm_calls: 0, llm_cached: 0, llm_repairs: 0, tokens_in: 0, tokens_out: 0 };

/**
 * Node runs write their LLM totals when their state changes, so a run that did not finish (still running, or killed)
 * has them only in the call log, which commits calls as they happen.
 */
function finished(status: RunStatus): boolean {
  return status !== 'running' && status !== 'interrupted';
}

function totalsOf(row: Omit<NodeRunRow, 'node_id'> | Record<string, number>, durationMs: number): NodeTotals {
  const r = row as Record<string, number>;
  return {
    itemsTotal: r.items_total ?? 0,
    itemsDone: r.items_done ?? 0,
    itemsCached: r.items_cached ?? 0,
    itemsFailed: r.items_failed ?? 0,
    llmCalls: r.llm_calls ?? 0,
    llmCached: r.llm_cached ?? 0,
    llmRepairs: r.llm_repairs ?? 0,
    tokensIn: r.tokens_in ?? 0,
    tokensOut: r.tokens_out ?? 0,
    durationMs,
  };
}

/** Runs and node runs: the durable history the UI lists, and what `explain` compares against. */
export class RunLog {
  readonly #db: Db;
  readonly #upsertNode;

  constructor(db: Db) {
    this.#db = db;
    this.#upsertNode = db.prepare(`
      INSERT INTO node_runs (run_id, node_id, node_type, state, node_key, output_key, ingredients_json, salt, started_at,
        finished_at, items_total, items_done, items_cached, items_failed, llm_calls, llm_cached, llm_repairs, tokens_in,
        tokens_out, output_counts_json, error)
      VALUES (@runId, @nodeId, @nodeType, @state, @nodeKey, @outputKey, @ingredients, @salt, @startedAt, @finishedAt,
        @itemsTotal, @itemsDone, @itemsCached, @itemsFailed, @llmCalls, @llmCached, @llmRepairs, @tokensIn, @tokensOut, @outputCounts, @error)
      ON CONFLICT (run_id, node_id) DO UPDATE SET
        state = excluded.state, node_key = coalesce(excluded.node_key, node_key),
        output_key = coalesce(excluded.output_key, output_key),
        ingredients_json = coalesce(excluded.ingredients_json, ingredients_json), salt = coalesce(excluded.salt, salt),
        started_at = coalesce(excluded.started_at, started_at), finished_at = coalesce(excluded.finished_at, finished_at),
        items_total = excluded.items_total, items_done = excluded.items_done, items_cached = excluded.items_cached,
        items_failed = excluded.items_failed, llm_calls = excluded.llm_calls, llm_cached = excluded.llm_cached,
        llm_repairs = excluded.llm_repairs, tokens_in = excluded.tokens_in, tokens_out = excluded.tokens_out, output_counts_json = excluded.output_counts_json,
        error = coalesce(excluded.error, error)`);
  }

  /** `graphJson` is written as given: the caller removes secrets first and lists where they were in `removedSecrets`. */
  createRun(run: { runId: string; graphName: string; graphJson: string; removedSecrets: readonly string[]; options: unknown }): void {
    this.#db
      .prepare(
        "INSERT INTO runs (id, graph_name, graph_json, removed_secrets_json, options_json, status, pid, started_at) VALUES (?, ?, ?, ?, ?, 'running', ?, ?)",
      )
      .run(run.runId, run.graphName, run.graphJson, JSON.stringify(run.removedSecrets), JSON.stringify(run.options), process.pid, Date.now());
  }

  finishRun(runId: string, status: RunStatus, error: string | null): void {
    this.#db.prepare('UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?').run(status, Date.now(), error, runId);
  }

  /** Runs left `running` by a process that no longer exists (killed, crashed) become `interrupted`. */
  markInterrupted(isAlive: (pid: number) => boolean): void {
    const stale = this.#db.prepare("SELECT id, pid FROM runs WHERE status = 'running'").all() as Array<{ id: string; pid: number | null }>;
    for (const run of stale) {
      if (run.pid !== null && isAlive(run.pid)) continue;
      this.#db.transaction(() => {
        this.#db.prepare("UPDATE runs SET status = 'interrupted', error = 'the process running it stopped' WHERE id = ?").run(run.id);
        this.#db
          .prepare("UPDATE node_runs SET state = 'cancelled' WHERE run_id = ? AND state IN ('queued', 'running')")
          .run(run.id);
      })();
    }
  }

  writeNode(runId: string, record: NodeRunRecord): void {
    const t = record.totals ?? {};
    this.#upsertNode.run({
      runId,
      nodeId: record.nodeId,
      nodeType: record.nodeType,
      state: record.state,
      nodeKey: record.nodeKey ?? null,
      outputKey: record.outputKey ?? null,
      ingredients: record.ingredients === undefined ? null : JSON.stringify(record.ingredients),
      salt: record.salt ?? null,
      startedAt: record.startedAt ?? null,
      finishedAt: record.finishedAt ?? null,
      itemsTotal: t.itemsTotal ?? 0,
      itemsDone: t.itemsDone ?? 0,
      itemsCached: t.itemsCached ?? 0,
      itemsFailed: t.itemsFailed ?? 0,
      llmCalls: t.llmCalls ?? 0,
      llmCached: t.llmCached ?? 0,
      llmRepairs: t.llmRepairs ?? 0,
      tokensIn: t.tokensIn ?? 0,
      tokensOut: t.tokensOut ?? 0,
      outputCounts: JSON.stringify(record.outputCounts ?? {}),
      error: record.error ?? null,
    });
  }

  listRuns(limit = 200): RunInfo[] {
    const rows = this.#db
      .prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?`)
      .all(limit) as RunRow[];
    return rows.map((row) => this.#runInfo(row));
  }

  getRun(runId: string): (RunInfo & { graphJson: string; removedSecrets: string[]; nodes: NodeRunInfo[] }) | undefined {
    const row = this.#db
      .prepare(`SELECT ${RUN_COLUMNS}, removed_secrets_json FROM runs WHERE id = ?`)
      .get(runId) as (RunRow & { removed_secrets_json: string }) | undefined;
    if (!row) return undefined;
    const ledger = finished(row.status) ? undefined : this.#ledgerByNode(runId);
    const rows = this.#db.prepare('SELECT * FROM node_runs WHERE run_id = ? ORDER BY rowid').all(runId) as NodeRunRow[];
    const nodes = rows.map(
      (n): NodeRunInfo => ({
        nodeId: n.node_id,
        nodeType: n.node_type,
        state: n.state,
        nodeKey: n.node_key,
        error: n.error,
        outputCounts: JSON.parse(n.output_counts_json),
        ...totalsOf(
          ledger ? { ...n, ...(ledger.get(n.node_id) ?? NO_CALLS) } : n,
          n.started_at && n.finished_at ? n.finished_at - n.started_at : 0,
        ),
      }),
    );
    return { ...this.#runInfo(row), graphJson: row.graph_json, removedSecrets: JSON.parse(row.removed_secrets_json), nodes };
  }

  /** Where a node run's output is stored, if it produced one. */
  outputKey(runId: string, nodeId: string): string | undefined {
    const row = this.#db.prepare('SELECT output_key FROM node_runs WHERE run_id = ? AND node_id = ?').get(runId, nodeId) as
      | { output_key: string | null }
      | undefined;
    return row?.output_key ?? undefined;
  }

  /** The most recent run of this node in a graph of the same name, before `excludeRunId`. */
  previousNodeRun(graphName: string, nodeId: string, excludeRunId?: string): PreviousNodeRun | undefined {
    const row = this.#db
      .prepare(
        `SELECT n.run_id, n.state, n.node_key, n.ingredients_json, n.salt, r.status FROM node_runs n JOIN runs r ON r.id = n.run_id
         WHERE r.graph_name = ? AND n.node_id = ? AND n.ingredients_json IS NOT NULL AND r.id IS NOT ?
         ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1`,
      )
      .get(graphName, nodeId, excludeRunId ?? null) as
      | { run_id: string; state: NodeState; node_key: string | null; ingredients_json: string; salt: string | null; status: RunStatus }
      | undefined;
    return (
      row && {
        runId: row.run_id,
        state: row.state,
        nodeKey: row.node_key,
        ingredients: JSON.parse(row.ingredients_json),
        salt: row.salt,
        runStatus: row.status,
      }
    );
  }

  #ledgerByNode(runId: string): Map<string, LedgerSums> {
    const rows = this.#db.prepare(`SELECT node_id, ${LEDGER_SUMS} GROUP BY node_id`).all(runId) as Array<LedgerSums & { node_id: string }>;
    return new Map(rows.map(({ node_id, ...sums }) => [node_id, sums]));
  }

  #runInfo(row: RunRow): RunInfo {
    const nodeSums = this.#db.prepare(`SELECT ${SUM_TOTALS} FROM node_runs WHERE run_id = ?`).get(row.id) as Record<string, number>;
    const sums = finished(row.status)
      ? nodeSums
      : { ...nodeSums, ...(this.#db.prepare(`SELECT ${LEDGER_SUMS}`).get(row.id) as LedgerSums) };
    return {
      runId: row.id,
      graphName: row.graph_name,
      status: row.status,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      error: row.error,
      totals: totalsOf(sums, (row.finished_at ?? Date.now()) - row.started_at),
      ...(row.sample_json !== null && { sample: JSON.parse(row.sample_json) as SampleSpec }),
    };
  }
}
