import { open } from 'node:fs/promises';
import { extname } from 'node:path';

/**
 * The first box types ffmpeg's MOV/MP4 demuxer recognises a file by (`mov_probe` in FFmpeg/FFmpeg
 * libavformat/mov.c at 0042cf89809b22938dea2d39ccd4ec463c20253a scores these tags, reverted `ediw` included).
 */
const ISO_BMFF_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'pnot', 'udta', 'wide', 'ediw', 'free', 'junk', 'pict', 'skip', 'uuid', 'prfl']);
const ISO_BMFF = new Set(['.mp4', '.m4v', '.mov', '.3gp', '.3g2']);
/** EBML_ID_HEADER, the first element of every Matroska and WebM file (FFmpeg libavformat/matroska.h). */
const EBML_HEADER = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
const MATROSKA = new Set(['.mkv', '.webm']);
const HEAD_BYTES = 12;

/** Whether `head` can begin a file of the container its extension names; an extension not known here passes. */
export function mayBeVideo(path: string, head: Buffer): boolean {
  const extension = extname(path).toLowerCase();
  if (ISO_BMFF.has(extension)) return head.length >= 8 && ISO_BMFF_FIRST_BOXES.has(head.toString('latin1', 4, 8));
  if (MATROSKA.has(extension)) return head.subarray(0, 4).equals(EBML_HEADER);
  if (extension === '.avi') return head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'AVI ';
  return true;
}

/**
 * Whether a file's first bytes can begin a video of its container. A cheap look, not a probe: it tells apart the
 * empty files, error pages and garbage a scrape leaves under a video's name, not a truncated video (ffprobe does).
 */
export async function looksLikeVideo(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0);
    return mayBeVideo(path, head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}
