import { randomUUID } from 'node:crypto';
import { sleep } from '../llm/abort.ts';
import { LocalLeases } from '../llm/local-leases.ts';
import type { LlmRequestLeases, RequestTurn } from '../llm/ports.ts';
import type { Db } from './database.ts';
import { machineIdentity, processAlive } from './processes.ts';
import { turnWrites, type TurnWrites } from './turn-writes.ts';

export interface LeaseOptions {
  /** How long a lease outlives its holder's last heartbeat (sent every third of it). */
  ttlMs: number;
  /** Between looks at a lease another process holds: the first wait, doubled up to the last. */
  pollMs: { first: number; last: number };
  now: () => number;
}

const DEFAULTS: LeaseOptions = { ttlMs: 60_000, pollMs: { first: 10, last: 250 }, now: () => Date.now() };

interface LeaseRow {
  holder: string;
  pid: number;
  machine: string;
  expires_at: number;
}

/**
 * Leases on keys (LLM request hashes) shared by every process that opens the data dir: one holder at a time, the
 * others wait. A lease ends when its holder releases it, when the process holding it no longer runs on this machine
 * (`kill -9`), or when its holder stopped renewing it for `ttlMs` (another machine, a reused pid, a hung process).
 * Claims and releases are committed with the other writes of their turn of the event loop (`TurnWrites`); a caller of
 * this store takes a key at once when its lease here is only waiting to be deleted.
 */
export class LeaseStore implements LlmRequestLeases {
  /** This store's name in the table; one per open store, so two engines in one process exclude each other too. */
  readonly holder = randomUUID();
  readonly #options: LeaseOptions;
  readonly #machine = machineIdentity();
  readonly #local = new LocalLeases();
  readonly #get;
  readonly #insert;
  readonly #takeOver;
  readonly #writes: TurnWrites;
  readonly #release;
  readonly #renew;
  readonly #releaseAll;
  #claims = 0;
  #held = 0;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(db: Db, options: Partial<LeaseOptions> = {}) {
    this.#options = { ...DEFAULTS, ...options };
    this.#get = db.prepare<[string], LeaseRow>('SELECT holder, pid, machine, expires_at FROM leases WHERE key = ?');
    // A free key: the common case, one statement.
    this.#insert = db.prepare<[string, string, number, number, string, number]>(
      'INSERT INTO leases (key, holder, claim, pid, machine, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
    );
    // Takes a free key, or one whose lease is held by `previous` (seen ended): a single statement, so of two
    // processes taking over the same ended lease only one succeeds.
    this.#takeOver = db.prepare<{
      key: string;
      holder: string;
      claim: number;
      pid: number;
      machine: string;
      expiresAt: number;
      previous: string | null;
    }>(
      `INSERT INTO leases (key, holder, claim, pid, machine, expires_at) VALUES (@key, @holder, @claim, @pid, @machine, @expiresAt)
       ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, claim = excluded.claim, pid = excluded.pid,
         machine = excluded.machine, expires_at = excluded.expires_at
       WHERE leases.holder = @previous`,
    );
    this.#writes = turnWrites(db);
    // The claim number keeps a late release from deleting a newer claim of the same key by this store.
    this.#release = db.prepare<[string, string, number]>('DELETE FROM leases WHERE key = ? AND holder = ? AND claim = ?');
    this.#renew = db.prepare<[number, string]>('UPDATE leases SET expires_at = ? WHERE holder = ?');
    this.#releaseAll = db.prepare<[string]>('DELETE FROM leases WHERE holder = ?');
  }

  async acquire<T>(key: string, signal: AbortSignal, find: () => T | undefined): Promise<RequestTurn<T>> {
    const releaseLocal = await this.#local.hold(key, signal);
    const claim = ++this.#claims;
    let found: T | undefined;
    // Looks first, then claims, in one transaction: a reply stored by the holder this caller waited for is found.
    const findOrClaim = () =>
      this.#writes.run(() => {
        found = find();
        return found !== undefined || this.#tryClaim(key, claim);
      });
    try {
      const { first, last } = this.#options.pollMs;
      for (let wait = first; !(await findOrClaim()); wait = Math.min(wait * 2, last)) await sleep(wait, signal);
    } catch (error) {
      releaseLocal();
      throw error;
    }
    if (found !== undefined) {
      releaseLocal();
      return { found };
    }
    this.#count(+1);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      // Committed with the turn's other writes (the next claims). A release that fails to commit leaves a lease of
      // this store's, which ends like any other: at `close`, or `ttlMs` after this store holds no lease.
      this.#writes.run(() => this.#release.run(key, this.holder, claim)).catch(() => {});
      this.#count(-1);
      releaseLocal();
    };
    return { release };
  }

  /** Gives up every lease of this store (the process is closing the store). */
  close(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#releaseAll.run(this.holder);
  }

  #tryClaim(key: string, claim: number): boolean {
    const expiresAt = this.#expiry();
    if (this.#insert.run(key, this.holder, claim, process.pid, this.#machine, expiresAt).changes === 1) return true;
    const current = this.#get.get(key);
    if (current && this.#live(current)) return false;
    const claimed = this.#takeOver.run({
      key,
      holder: this.holder,
      claim,
      pid: process.pid,
      machine: this.#machine,
      expiresAt,
      previous: current?.holder ?? null,
    });
    return claimed.changes === 1;
  }

  #live(lease: LeaseRow): boolean {
    // This store's callers take turns (`#local`): its lease on a key a caller may claim is one released already.
    if (lease.holder === this.holder) return false;
    if (lease.expires_at <= this.#options.now()) return false;
    return lease.machine !== this.#machine || processAlive(lease.pid);
  }

  #expiry(): number {
    return this.#options.now() + this.#options.ttlMs;
  }

  /** Renews this store's leases every third of the TTL while it holds any. */
  #count(change: 1 | -1): void {
    this.#held += change;
    if (this.#held > 0 && !this.#heartbeat) {
      this.#heartbeat = setInterval(() => this.#renew.run(this.#expiry(), this.holder), this.#options.ttlMs / 3).unref();
    } else if (this.#held === 0) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }
}
