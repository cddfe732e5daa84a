import type { KeyboardEvent, PointerEvent } from 'react';
import { PANEL_BOUNDS, type PanelId } from './panel-layout.ts';
import { useLayout, useServices } from './services.tsx';

const TITLES: Record<PanelId, string> = { palette: 'palette', inspector: 'inspector', bottom: 'bottom panel' };
/** Where each panel sits from its splitter: it grows when the splitter moves away from it. */
const SIDE: Record<PanelId, { axis: 'x' | 'y'; grows: 1 | -1; collapse: string; expand: string }> = {
  palette: { axis: 'x', grows: 1, collapse: '‹', expand: '›' },
  inspector: { axis: 'x', grows: -1, collapse: '›', expand: '‹' },
  bottom: { axis: 'y', grows: -1, collapse: '▾', expand: '▴' },
};
const STEP = 16;
const BIG_STEP = 64;

/**
 * The bar between the canvas and a panel: drag it (or focus it and use the arrow keys, Home and End) to resize the
 * panel; Enter or its button collapses and expands the panel.
 */
export function Splitter({ panel }: { panel: PanelId }) {
  const { layout } = useServices();
  const { size, collapsed } = useLayout((s) => s.panels[panel]);
  const { axis, grows, collapse, expand } = SIDE[panel];
  const bounds = PANEL_BOUNDS[panel];
  const title = TITLES[panel];

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const start = axis === 'x' ? event.clientX : event.clientY;
    const from = layout.getState().panels[panel].size;
    const onMove = (move: globalThis.PointerEvent) => {
      const at = axis === 'x' ? move.clientX : move.clientY;
      layout.getState().resize(panel, from + grows * (at - start));
    };
    const onUp = () => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      handle.removeEventListener('pointercancel', onUp);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
    handle.addEventListener('pointercancel', onUp);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const { resize, toggle } = layout.getState();
    const step = event.shiftKey ? BIG_STEP : STEP;
    const [shrinkKey, growKey] = axis === 'x' ? ['ArrowLeft', 'ArrowRight'] : ['ArrowUp', 'ArrowDown'];
    if (event.key === 'Enter') toggle(panel);
    else if (event.key === 'Home') resize(panel, bounds.min);
    else if (event.key === 'End') resize(panel, bounds.max);
    else if (event.key === growKey) resize(panel, size + grows * step);
    else if (event.key === shrinkKey) resize(panel, size - grows * step);
    else return;
    event.preventDefault();
  };

  return (
    <div className={`splitter splitter-${axis}`} data-panel={panel}>
      <div
        className="splitter-handle"
        role="separator"
        tabIndex={0}
        aria-label={`Resize the ${title}`}
        aria-orientation={axis === 'x' ? 'vertical' : 'horizontal'}
        aria-valuemin={bounds.min}
        aria-valuemax={bounds.max}
        aria-valuenow={collapsed ? 0 : size}
        title={`Drag, or focus and use the arrow keys, to resize the ${title}; Enter collapses it`}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
        onDoubleClick={() => layout.getState().toggle(panel)}
      />
      <button
        type="button"
        className="splitter-toggle"
        aria-label={`${collapsed ? 'Expand' : 'Collapse'} the ${title}`}
        aria-expanded={!collapsed}
        title={`${collapsed ? 'Expand' : 'Collapse'} the ${title}`}
        onClick={() => layout.getState().toggle(panel)}
      >
        {collapsed ? expand : collapse}
      </button>
    </div>
  );
}
