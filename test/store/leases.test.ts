import { spawnSync } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../main/store/database.ts';
import { LeaseStore } from '../../main/store/leases.ts';
import { LlmLedger } from '../../main/store/llm-ledger.ts';
import { machineIdentity } from '../../main/store/processes.ts';
import { tempDir } from '../support/engine-fixture.ts';

const TTL = 60_000;

/** Whether `promise` settles within a few turns of the event loop (enough for a claim that does not wait). */
async function settlesNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 5 && !settled; turn += 1) await nextTurn();
  return settled;
}

/** A lease as the LLM client takes one for a request nothing answers yet: `find` finds nothing. */
async function lease(store: LeaseStore, key: string, signal: AbortSignal): Promise<() => void> {
  const turn = await store.acquire<never>(key, signal, () => undefined);
  if (!('release' in turn)) throw new Error(`found something for "${key}"`);
  return turn.release;
}

describe('leases on one data dir', () => {
  let dir: ReturnType<typeof tempDir>;
  const dbs: Db[] = [];
  const stores: LeaseStore[] = [];
  const signal = new AbortController().signal;

  /** A store as another process would open it: its own connection and holder. */
  function leaseStore(options: ConstructorParameters<typeof LeaseStore>[1] = {}) {
    const db = openDatabase(dir.path);
    dbs.push(db);
    const store = new LeaseStore(db, { ttlMs: TTL, ...options });
    stores.push(store);
    return store;
  }

  const holderOf = (key: string) =>
    (dbs[0]!.prepare('SELECT holder FROM leases WHERE key = ?').get(key) as { holder: string } | undefined)?.holder;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    for (const db of dbs.splice(0)) db.close();
    dir.remove();
  });

  it('a second holder waits until the first releases the key; other keys are free', async () => {
    const first = leaseStore();
    const second = leaseStore();
    const release = await lease(first, 'k', signal);
    const order: string[] = [];
    const waiting = lease(second, 'k', signal).then((releaseSecond) => {
      order.push('second acquired');
      return releaseSecond;
    });
    expect(await settlesNow(waiting)).toBe(false);
    expect(await settlesNow(lease(second, 'other', signal))).toBe(true);
    order.push('first released');
    release();
    (await waiting)();
    expect(order).toEqual(['first released', 'second acquired']);
  });

  it('callers of one store take turns too', async () => {
    const store = leaseStore();
    const release = await lease(store, 'k', signal);
    const waiting = lease(store, 'k', signal);
    expect(await settlesNow(waiting)).toBe(false);
    release();
    release(); // a second release changes nothing
    (await waiting)();
  });

  it('a lease its holder stopped renewing expires, and the late release leaves the new holder alone', async () => {
    const stale = leaseStore();
    const later = leaseStore({ now: () => Date.now() + TTL + 1 });
    const releaseStale = await lease(stale, 'k', signal);
    const releaseLater = await lease(later, 'k', signal);
    expect(holderOf('k')).toBe(later.holder);
    releaseStale();
    expect(holderOf('k')).toBe(later.holder);
    releaseLater();
  });

  it('a holder that keeps running renews its leases, so they do not expire', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const holder = leaseStore();
      const start = Date.now();
      await lease(holder, 'k', signal);
      vi.advanceTimersByTime((TTL * 2) / 3); // two heartbeats
      const abort = new AbortController();
      const waiting = lease(leaseStore({ now: () => start + TTL + 1 }), 'k', abort.signal);
      expect(await settlesNow(waiting)).toBe(false);
      abort.abort(new Error('stop waiting'));
      await expect(waiting).rejects.toThrow('stop waiting');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a lease of a process that no longer runs on this machine is taken over at once; one on another machine is waited for', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const store = leaseStore();
    const put = dbs[0]!.prepare('INSERT INTO leases (key, holder, claim, pid, machine, expires_at) VALUES (?, ?, 1, ?, ?, ?)');
    put.run('dead', 'killed-holder', deadPid, machineIdentity(), Date.now() + TTL);
    put.run('remote', 'remote-holder', deadPid, 'another-machine/boot', Date.now() + TTL);

    (await lease(store, 'dead', signal))();
    const abort = new AbortController();
    const waiting = lease(store, 'remote', abort.signal);
    expect(await settlesNow(waiting)).toBe(false);
    abort.abort(new Error('the run was cancelled'));
    await expect(waiting).rejects.toThrow('the run was cancelled');
    expect(holderOf('remote')).toBe('remote-holder');
  });

  it('closing a store gives up its leases', async () => {
    const closing = leaseStore();
    const other = leaseStore();
    await lease(closing, 'k', signal);
    closing.close();
    expect(await settlesNow(lease(other, 'k', signal))).toBe(true);
  });

  it('a caller that waited finds what the holder stored, and takes no lease; so does one that did not wait', async () => {
    const first = leaseStore();
    const second = leaseStore();
    const answered = (db: Db) => () =>
      db.prepare('SELECT raw FROM llm_cache WHERE request_hash = ?').pluck().get('k') as string | undefined;
    const release = await lease(first, 'k', signal);
    const waiting = second.acquire('k', signal, answered(dbs[1]!));
    expect(await settlesNow(waiting)).toBe(false);
    new LlmLedger(dbs[0]!).put('k', { raw: 'the answer', model: 'm', promptTokens: 1, completionTokens: 1 });
    release();
    expect(await waiting).toEqual({ found: 'the answer' });
    expect(holderOf('k')).toBeUndefined();
    expect(await second.acquire('k', signal, answered(dbs[1]!))).toEqual({ found: 'the answer' });
    expect(holderOf('k')).toBeUndefined();
  });
});
