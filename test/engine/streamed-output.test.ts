/**
 * A streaming once-node's output read while it is written: InputStream reads each port's rows in order as they are
 * appended, one port after the other, and ends with the same rows and hash as the stored output.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputStream } from '../../main/engine/input-stream.ts';
import { StreamedOutput } from '../../main/engine/streamed-output.ts';
import { RunStore } from '../../main/store/index.ts';
import type { StoredOutput } from '../../main/store/outputs.ts';
import { deferred } from '../support/deferred.ts';
import { tempDir } from '../support/engine-fixture.ts';

describe('StreamedOutput', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: RunStore;
  beforeEach(() => {
    dir = tempDir('rewatch-streamed-output-');
    store = new RunStore(dir.path);
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  /** Reads `port` of a streamed output with pages of `pageRows`, collecting rows as they come. */
  function reader(output: StreamedOutput, port: string, ended: Promise<StoredOutput>, pageRows: number) {
    const signal = new AbortController().signal;
    const input = new InputStream(store.outputs, [{ nodeId: 'src', port, live: output, outcome: ended }], signal, pageRows);
    const rows: unknown[] = [];
    let grew = deferred();
    const done = (async () => {
      for await (const page of input.pages()) {
        rows.push(...page.map((row) => JSON.parse(row) as unknown));
        grew.resolve();
        grew = deferred();
      }
    })();
    const grown = async (count: number) => {
      while (rows.length < count) await grew.promise;
    };
    return { input, rows, done, grown };
  }

  it('hands on each port’s rows as they are appended, in order, and its final hash matches what was read', async () => {
    const writer = store.outputs.beginWrite('key-1', 'test.source', ['videos', 'rejected']);
    const output = new StreamedOutput(store.outputs, writer);
    let finish!: (output: StoredOutput) => void;
    const ended = new Promise<StoredOutput>((resolve) => (finish = resolve));
    const videos = reader(output, 'videos', ended, 2);
    const rejected = reader(output, 'rejected', ended, 2);

    for (let n = 0; n < 5; n++) output.append('videos', { n });
    await videos.grown(5);
    expect(videos.rows).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
    expect(rejected.rows).toEqual([]);

    output.append('rejected', { path: 'a' });
    output.append('rejected', { path: 'b' });
    await rejected.grown(2);
    expect(rejected.rows).toEqual([{ path: 'a' }, { path: 'b' }]);
    expect(() => output.append('videos', { n: 5 })).toThrow('output port "videos" got a row after another port\'s rows');

    const stored = output.finish();
    output.close();
    finish(stored);
    await Promise.all([videos.done, rejected.done]);
    expect(videos.rows).toHaveLength(5);
    expect(videos.input.consistent && rejected.input.consistent).toBe(true);
    expect(videos.input.hashes()).toEqual([stored.ports.videos!.hash]);
    expect(store.outputs.collection(stored, 'rejected').toArray()).toEqual(rejected.rows);
  });
});
