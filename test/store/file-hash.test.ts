import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../main/store/index.ts';
import { tempDir } from '../support/engine-fixture.ts';

describe('BlobStore.fileHash', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: RunStore;
  beforeEach(() => {
    dir = tempDir();
    store = new RunStore(join(dir.path, 'data'));
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  it('hashes a file of several read buffers whole, and stops when its signal aborts without remembering a hash', async () => {
    const content = randomBytes(3 * (1 << 20) + 12_345);
    const path = join(dir.path, 'video.mp4');
    writeFileSync(path, content);

    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(store.blobs.fileHash(path, controller.signal)).rejects.toThrow();

    expect(await store.blobs.fileHash(path)).toBe(createHash('sha256').update(content).digest('hex'));
  });
});
