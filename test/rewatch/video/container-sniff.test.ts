/**
 * The video source leaves out of `files` what cannot begin a video of its container, by the file's first bytes: real
 * MP4, MOV, Matroska and AVI files made by ffmpeg pass; what a scrape leaves under a video's name does not.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeVideo } from '../../../nodes/rewatch/video/container-sniff.ts';
import { tempDir } from '../../support/engine-fixture.ts';
import { randomBytesVideo, shortVideo } from '../../support/videos.ts';

describe('looksLikeVideo', () => {
  let dir: ReturnType<typeof tempDir>;
  let mp4: string;
  /** The short test video remuxed into another container by ffmpeg, the stream copied. */
  const remuxed = (name: string, ...options: string[]) => {
    const path = join(dir.path, name);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', mp4, ...options, '-c', 'copy', path]);
    return path;
  };
  const written = (name: string, content: string | Buffer) => {
    const path = join(dir.path, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(() => {
    dir = tempDir('rewatch-container-sniff-');
    mp4 = shortVideo(dir.path);
  });
  afterAll(() => dir?.remove());

  it('passes videos ffmpeg wrote, in each container it knows by extension', async () => {
    const videos = [mp4, remuxed('clip.mov'), remuxed('clip.mkv'), remuxed('clip.avi'), remuxed('fragmented.mp4', '-movflags', 'frag_keyframe+empty_moov')];
    for (const video of videos) expect(await looksLikeVideo(video), video).toBe(true);
  });

  it('refuses noise, an empty file, an error page and text under a video’s name', async () => {
    const html = '<!DOCTYPE html><html><body>403 Forbidden</body></html>';
    const refused = [
      randomBytesVideo(dir.path),
      written('empty.mkv', ''),
      written('error-page.mp4', html),
      written('error-page.webm', html),
      written('notes.avi', 'RIFF but not an AVI at all'),
    ];
    for (const file of refused) expect(await looksLikeVideo(file), file).toBe(false);
  });

  it('leaves a file of an extension it does not know to ffprobe', async () => {
    expect(await looksLikeVideo(written('stream.ts', 'anything'))).toBe(true);
  });
});
