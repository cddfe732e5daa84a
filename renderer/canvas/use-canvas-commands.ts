import { useReactFlow } from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import { useServices } from '../app/services.tsx';
import { isModKey, onShortcutKeys } from '../app/shortcuts.ts';
import type { Fragment } from '../store/clipboard.ts';
import type { FlowNode } from '../store/flow-types.ts';
import { estimatedNodeSize, groupedLayout } from '../store/layout.ts';

export interface CanvasCommands {
  /** Adds a node at a screen point, or in the middle of the canvas. */
  addNode(type: string, screen?: { x: number; y: number }): void;
  autoLayout(): Promise<void>;
  fitView(): void;
}

/** `position`, or the first spot down and to the right of it that no node starts at (repeated adds do not stack). */
function freeSpot(nodes: readonly FlowNode[], position: { x: number; y: number }): { x: number; y: number } {
  const taken = (p: { x: number; y: number }) => nodes.some((n) => Math.abs(n.position.x - p.x) < 16 && Math.abs(n.position.y - p.y) < 16);
  let spot = position;
  while (taken(spot)) spot = { x: spot.x + 32, y: spot.y + 32 };
  return spot;
}

/** Copied nodes, for pasting within this window. */
let clipboard: Fragment | undefined;

export function useCanvasCommands(): CanvasCommands {
  const { editor, toasts } = useServices();
  const flow = useReactFlow();
  return useMemo(
    () => ({
      addNode(type, screen) {
        const box = document.querySelector('.react-flow')?.getBoundingClientRect();
        const point = screen ?? (box ? { x: box.left + box.width / 2 - 110, y: box.top + box.height / 2 - 50 } : { x: 0, y: 0 });
        editor.getState().addNode(type, freeSpot(editor.getState().nodes, flow.screenToFlowPosition(point)));
      },
      async autoLayout() {
        const { nodes, edges, meta, catalog } = editor.getState();
        const box = document.querySelector('.react-flow')?.getBoundingClientRect();
        const size = (node: FlowNode) => {
          const info = catalog.nodeTypes.get(node.data.type);
          const estimate = estimatedNodeSize(info ? info.inputs.length + info.outputs.length : 2);
          return { width: node.measured?.width ?? estimate.width, height: node.measured?.height ?? estimate.height };
        };
        try {
          const positions = await groupedLayout({
            nodes: nodes.map((n) => ({ id: n.id, ...size(n) })),
            edges,
            groups: meta.groups,
            ...(box?.height ? { aspect: box.width / box.height } : {}),
          });
          editor.getState().setPositions(positions);
          requestAnimationFrame(() => void flow.fitView({ duration: 200 }));
        } catch (error) {
          toasts.getState().push('error', `Auto-layout failed: ${(error as Error).message}`);
        }
      },
      fitView() {
        void flow.fitView({ duration: 200 });
      },
    }),
    [editor, toasts, flow],
  );
}

/** Delete, copy, paste, duplicate, select all, layout and fit, while the focus is not in a field. */
export function useCanvasKeys(commands: CanvasCommands): void {
  const { editor } = useServices();
  useEffect(
    () =>
      onShortcutKeys((event) => {
        const state = editor.getState();
        const key = event.key.toLowerCase();
        if (key === 'delete' || key === 'backspace') state.deleteSelection();
        else if (isModKey(event) && key === 'c') {
          const fragment = state.copySelection();
          if (fragment) clipboard = fragment;
        } else if (isModKey(event) && key === 'v' && clipboard) {
          state.paste(clipboard);
        } else if (isModKey(event) && key === 'd') state.duplicateSelection();
        else if (isModKey(event) && key === 'a') state.selectOnly(state.nodes.map((n) => n.id));
        else if (event.shiftKey && !isModKey(event) && key === 'l') void commands.autoLayout();
        else if (event.shiftKey && !isModKey(event) && key === 'f') commands.fitView();
        else return false;
        return true;
      }),
    [editor, commands],
  );
}
