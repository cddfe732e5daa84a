import { useState, type KeyboardEvent } from 'react';
import { useServices } from '../app/services.tsx';
import { searchNodeTypes } from '../palette/search.ts';

interface AddNodePopupProps {
  /** Where to show it, relative to the canvas. */
  at: { x: number; y: number };
  onPick(type: string): void;
  onClose(): void;
}

/** The search-and-add box opened by double-clicking the canvas. */
export function AddNodePopup({ at, onPick, onClose }: AddNodePopupProps) {
  const { catalog } = useServices();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = searchNodeTypes(catalog.catalog.nodes, query).slice(0, 12);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') onClose();
    else if (event.key === 'ArrowDown') setActive((i) => Math.min(i + 1, matches.length - 1));
    else if (event.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
    else if (event.key === 'Enter' && matches[active]) onPick(matches[active].type);
    else return;
    event.preventDefault();
  };
  return (
    <div className="add-popup" style={{ left: at.x, top: at.y }} onKeyDown={onKeyDown}>
      <input
        autoFocus
        placeholder="Add a node…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onBlur={onClose}
        aria-label="Node type to add"
      />
      <ul>
        {matches.map((node, i) => (
          <li key={node.type}>
            <button
              type="button"
              className={i === active ? 'active' : ''}
              // Picks before the input's blur closes the popup.
              onMouseDown={(e) => {
                e.preventDefault();
                onPick(node.type);
              }}
              title={node.description}
            >
              {node.title} <span className="muted">{node.category}</span>
            </button>
          </li>
        ))}
        {matches.length === 0 && <li className="muted">No match</li>}
      </ul>
    </div>
  );
}
