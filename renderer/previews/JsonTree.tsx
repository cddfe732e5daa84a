import { useState } from 'react';

const LONG_TEXT = 240;

function Scalar({ value }: { value: unknown }) {
  const [full, setFull] = useState(false);
  if (typeof value === 'string') {
    const long = value.length > LONG_TEXT && !full;
    return (
      <span className="j-string" onClick={long ? () => setFull(true) : undefined} title={long ? 'Click to show all' : undefined}>
        "{long ? `${value.slice(0, LONG_TEXT)}…` : value}"
      </span>
    );
  }
  return <span className={`j-${value === null ? 'null' : typeof value}`}>{String(value)}</span>;
}

function Branch({ name, value, depth, openDepth }: { name?: string; value: unknown; depth: number; openDepth: number }) {
  const [open, setOpen] = useState(depth < openDepth);
  const isArray = Array.isArray(value);
  const entries: [string, unknown][] = isArray ? (value as unknown[]).map((v, i) => [String(i), v]) : Object.entries(value as object);
  const summary = isArray ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <div className="j-branch">
      <button type="button" className="j-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? '▾' : '▸'} {name !== undefined && <span className="j-key">{name}: </span>}
        <span className="muted">{summary}</span>
      </button>
      {open && (
        <div className="j-children">
          {entries.map(([key, child]) => (
            <JsonNode key={key} name={key} value={child} depth={depth + 1} openDepth={openDepth} />
          ))}
        </div>
      )}
    </div>
  );
}

function JsonNode({ name, value, depth, openDepth }: { name?: string; value: unknown; depth: number; openDepth: number }) {
  if (value !== null && typeof value === 'object') return <Branch name={name} value={value} depth={depth} openDepth={openDepth} />;
  return (
    <div className="j-leaf">
      {name !== undefined && <span className="j-key">{name}: </span>}
      <Scalar value={value} />
    </div>
  );
}

/** A collapsible JSON tree, open down to `openDepth` levels. */
export function JsonTree({ value, openDepth = 1 }: { value: unknown; openDepth?: number }) {
  return (
    <div className="json-tree mono">
      <JsonNode value={value} depth={0} openDepth={openDepth} />
    </div>
  );
}
