/** Node and edge ids: short, readable, and valid graph-file identifiers (`[A-Za-z0-9_.:-]+`). */

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_.:-]+/g, '-').replace(/^-+|-+$/g, '') || 'node';
}

/** `core.llm-map` → `llm-map-1`, or the next number not in `taken`. */
export function nextNodeId(type: string, taken: ReadonlySet<string>): string {
  const base = slug(type.split('.').at(-1) ?? type);
  for (let n = 1; ; n += 1) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
}

export function nextEdgeId(
  from: { node: string; port: string },
  to: { node: string; port: string },
  taken: ReadonlySet<string>,
): string {
  const base = `${from.node}.${from.port}-${to.node}.${to.port}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }
}
