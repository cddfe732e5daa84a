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
  const index = path.join(root, 'index.html');
  return async (c) => {
    const requestPath = c.req.path;
    if (requestPath.startsWith('/api/') || requestPath.includes('\0')) return c.notFound();
    const filePath = path.resolve(root, `.${requestPath}`);
    if (filePath !== root && !filePath.startsWith(root + path.sep)) return c.notFound();

    const file = await fileResponse(c.req.raw, filePath, () => staticType(filePath));
    if (file) return file;
    if (path.extname(filePath) !== '') return c.notFound();
    return (await fileResponse(c.req.raw, index, () => HTML)) ?? c.notFound();
  };
}
