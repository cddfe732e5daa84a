import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Handler } from 'hono';
import { fileResponse } from './file-response.ts';
import { HTML, staticType } from './mime.ts';

/**
 * Serves the built editor from `dir`. Extension-less paths that are not files get `index.html`, so client-side
 * routes load the app. Needs no token: the page carries none, it reads the token from its URL fragment.
 */
export function staticHandler(dir: string): Handler {
  const root = path.resolve(dir);
  let realRoot: Promise<string> | undefined;
  /** Where `filePath` really is, when that is inside the folder: a symlink out of it is not followed. */
  const inside = async (filePath: string): Promise<string | undefined> => {
    realRoot ??= realpath(root);
    const real = await realpath(filePath).catch(() => undefined);
    const base = await realRoot;
    return real !== undefined && (real === base || real.startsWith(base + path.sep)) ? real : undefined;
  };
  return async (c) => {
    const requestPath = c.req.path;
    if (requestPath.startsWith('/api/') || requestPath.includes('\0')) return c.notFound();
    const filePath = path.resolve(root, `.${requestPath}`);
    if (filePath !== root && !filePath.startsWith(root + path.sep)) return c.notFound();

    const real = await inside(filePath);
    const file = real === undefined ? undefined : await fileResponse(c.req.raw, real, () => staticType(filePath));
    if (file) return file;
    if (path.extname(filePath) !== '') return c.notFound();
    const index = await inside(path.join(root, 'index.html'));
    return (index !== undefined && (await fileResponse(c.req.raw, index, () => HTML))) || c.notFound();
  };
}
