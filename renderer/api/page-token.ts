/**
 * The server token from the page's URL fragment (`#token=…`, as printed by `rewatch serve`). The fragment is never
 * sent over the network; callers should drop it from the address bar afterwards (`history.replaceState`).
 */
export function tokenFromHash(hash: string): string | undefined {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? undefined;
}
