import { BlobStore } from './blobs.ts';
import { openDatabase, type Db } from './database.ts';
import { ItemStore } from './items.ts';
import { LeaseStore } from './leases.ts';
import { LlmLedger } from './llm-ledger.ts';
import { NodeMetrics } from './metrics.ts';
import { ModelServerRecords } from './model-servers.ts';
import { OutputStore } from './outputs.ts';
import { prune, type PruneOptions, type PruneReport } from './prune.ts';
import { RememberedValues } from './remembered.ts';
import { RunLog } from './runs.ts';

export type { StoredOutput, RowFilter } from './outputs.ts';
export type { NodeRunRecord, PreviousNodeRun } from './runs.ts';
export type { ModelServerRecord } from './model-servers.ts';
export type { StoredMetric } from './metrics.ts';
export type { PruneOptions, PruneReport } from './prune.ts';
export { processAlive } from './processes.ts';

/**
 * The SQLite run store under a data directory: runs, node outputs, item results, LLM calls and their leases, metrics,
 * blobs, model servers, remembered values.
 */
export class RunStore {
  readonly runs: RunLog;
  readonly outputs: OutputStore;
  readonly items: ItemStore;
  readonly llm: LlmLedger;
  readonly leases: LeaseStore;
  readonly blobs: BlobStore;
  readonly modelServers: ModelServerRecords;
  readonly metrics: NodeMetrics;
  readonly remembered: RememberedValues;
  readonly #db: Db;

  constructor(readonly dataDir: string) {
    this.#db = openDatabase(dataDir);
    this.runs = new RunLog(this.#db);
    this.outputs = new OutputStore(this.#db);
    this.items = new ItemStore(this.#db);
    this.llm = new LlmLedger(this.#db);
    this.leases = new LeaseStore(this.#db);
    this.blobs = new BlobStore(this.#db, dataDir);
    this.modelServers = new ModelServerRecords(this.#db);
    this.metrics = new NodeMetrics(this.#db);
    this.remembered = new RememberedValues(this.#db);
  }

  /** Commits the grouped writes now. */
  flush(): void {
    this.items.flush();
    this.llm.flush();
  }

  prune(options: PruneOptions): PruneReport {
    this.flush();
    return prune(this.#db, this.blobs, options);
  }

  close(): void {
    this.flush();
    this.leases.close();
    this.#db.close();
  }
}
