import type { Handler } from 'hono';
import { ApiError } from '../api/contract.ts';
import { fileResponse } from './file-response.ts';
import { SNIFF_BYTES, mediaType } from './mime.ts';

const HASH = /^[a-f0-9]{64}$/;

/** `GET /api/media/:hash`: streams the blob `resolveMedia` finds for a content hash. */
export function mediaHandler(resolveMedia: (hash: string) => string | undefined): Handler {
  return async (c) => {
    const hash = c.req.param('hash') ?? '';
    if (!HASH.test(hash)) throw new ApiError(400, 'hash: expected 64 lowercase hex characters');
    const filePath = resolveMedia(hash);
    const response =
      filePath === undefined
        ? undefined
        : await fileResponse(c.req.raw, filePath, async (readHead) => mediaType(filePath, await readHead(SNIFF_BYTES)));
    if (!response) throw new ApiError(404, `no media with hash ${hash}`);
    return response;
  };
}
