import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLocal } from '../../main/hosts/local.ts';
import { resolveFfmpeg } from '../../main/media/ffmpeg.ts';
import { tempDir } from '../support/engine-fixture.ts';

describe('ffmpeg resolution', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('prefers FFMPEG_BIN and finds ffprobe beside it', () => {
    for (const tool of ['ffmpeg', 'ffprobe']) {
      writeFileSync(join(dir.path, tool), '#!/bin/sh\n');
      chmodSync(join(dir.path, tool), 0o755);
    }
    expect(resolveFfmpeg({ FFMPEG_BIN: join(dir.path, 'ffmpeg') })).toEqual({
      ffmpeg: join(dir.path, 'ffmpeg'),
      ffprobe: join(dir.path, 'ffprobe'),
    });
  });

  it('falls back to PATH when there is neither an override nor ffmpeg-static', () => {
    expect(resolveFfmpeg({})).toEqual({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
  });

  it('takes ffmpeg-static only as an optional dependency, so a failed download leaves the install working', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'));
    expect(manifest.optionalDependencies).toHaveProperty('ffmpeg-static');
    expect(manifest.dependencies).not.toHaveProperty('ffmpeg-static');
    // Its install script is the download; npm drops an optional package whose script fails and goes on.
    expect(manifest.allowScripts['ffmpeg-static']).toBe(true);
    expect(lock.packages['']['optionalDependencies']).toHaveProperty('ffmpeg-static');
    expect(lock.packages['node_modules/ffmpeg-static']).toMatchObject({ optional: true, hasInstallScript: true });
  });

  it('honours FFPROBE_BIN', () => {
    expect(resolveFfmpeg({ FFMPEG_BIN: '/opt/x/ffmpeg', FFPROBE_BIN: '/opt/y/ffprobe' }).ffprobe).toBe('/opt/y/ffprobe');
  });
});

describe('running a local command', () => {
  it('passes arguments literally, never through a shell', async () => {
    const tricky = `$(touch /tmp/pwned-${process.pid}); rm -rf / ; "quoted" 'single' \`tick\``;
    const result = await runLocal(['printf', '%s', tricky]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toBe(tricky);
  });

  it('reports a missing program by name', async () => {
    await expect(runLocal(['no-such-program-rewatch'])).rejects.toThrow('no-such-program-rewatch was not found');
  });
});
