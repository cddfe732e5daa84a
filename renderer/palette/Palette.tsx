import { useState, type DragEvent } from 'react';
import type { NodeTypeInfo } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { dataTypeColor } from '../store/catalog-index.ts';
import { NODE_TYPE_MIME, byCategory, searchNodeTypes } from './search.ts';

function describe(node: NodeTypeInfo): string {
  const ports = (list: NodeTypeInfo['inputs']) => list.map((p) => `${p.name}: ${p.dataType}`).join(', ') || 'none';
  return `${node.description}\n\nin: ${ports(node.inputs)}\nout: ${ports(node.outputs)}\n\nDrag onto the canvas, or click to add it in the middle.`;
}

function PaletteItem({ node, onAdd }: { node: NodeTypeInfo; onAdd(type: string): void }) {
  const { catalog } = useServices();
  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(NODE_TYPE_MIME, node.type);
    event.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <li>
      <button type="button" className="palette-item" draggable onDragStart={onDragStart} onClick={() => onAdd(node.type)} title={describe(node)} data-node-type={node.type}>
        <span className="palette-swatches">
          {node.outputs.map((p) => (
            <i key={p.name} style={{ background: dataTypeColor(catalog, p.dataType) }} />
          ))}
        </span>
        <span className="palette-title">{node.title}</span>
      </button>
    </li>
  );
}

/** The node types by category, searchable. */
export function Palette({ onAdd }: { onAdd(type: string): void }) {
  const { catalog } = useServices();
  const [query, setQuery] = useState('');
  const groups = byCategory(searchNodeTypes(catalog.catalog.nodes, query));
  return (
    <aside className="palette">
      <input className="palette-search" type="search" placeholder="Search nodes…" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search nodes" />
      <div className="palette-groups">
        {groups.map(([category, nodes]) => (
          <section key={category}>
            <h3>{category}</h3>
            <ul>
              {nodes.map((node) => (
                <PaletteItem key={node.type} node={node} onAdd={onAdd} />
              ))}
            </ul>
          </section>
        ))}
        {groups.length === 0 && <p className="muted">No node matches “{query}”.</p>}
      </div>
    </aside>
  );
}
