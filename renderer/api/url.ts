/** The `:name` parameters of a route path, e.g. `'runId' | 'nodeId'`. */
export type PathParams<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

export type QueryValue = string | number | boolean | undefined;

/** `baseUrl` + a route path with its `:params` filled in (URI-encoded) and the defined query values appended. */
export function routeUrl(
  baseUrl: string,
  path: string,
  params: Record<string, string>,
  query: Record<string, QueryValue> = {},
): string {
  const filled = path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing route parameter :${name} for ${path}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const queryString = search.toString();
  return `${baseUrl.replace(/\/+$/, '')}${filled}${queryString ? `?${queryString}` : ''}`;
}
