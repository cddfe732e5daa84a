import { memo } from 'react';
import type { GraphGroup } from '../../main/graph/format.ts';
import { useEditor } from '../app/services.tsx';
import type { FlowNode } from '../store/flow-types.ts';
import { frameAround, type Rect } from '../store/group-frame.ts';
import { estimatedNodeSize } from '../store/layout.ts';
import { ViewportLayer } from './ViewportLayer.tsx';

/** A node's box in flow coordinates, estimated until the canvas has measured it. */
function boxOf(node: FlowNode): Rect {
  const estimate = estimatedNodeSize(2);
  return { ...node.position, width: node.measured?.width ?? estimate.width, height: node.measured?.height ?? estimate.height };
}

const GroupFrame = memo(function GroupFrame({ group, frame }: { group: GraphGroup; frame: Rect }) {
  return (
    <div
      className="group-frame"
      data-group={group.id}
      style={{ transform: `translate(${frame.x}px, ${frame.y}px)`, width: frame.width, height: frame.height }}
    >
      <div className="group-frame-title">{group.title}</div>
    </div>
  );
});

/** The graph's groups as titled frames behind their nodes, following them as they move. */
export function GroupFrames() {
  const groups = useEditor((s) => s.meta.groups);
  const nodes = useEditor((s) => s.nodes);
  if (!groups?.length) return null;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return (
    <ViewportLayer>
      {groups.map((group) => {
        const frame = frameAround(group.nodes.flatMap((id) => (byId.has(id) ? [boxOf(byId.get(id)!)] : [])));
        return frame && <GroupFrame key={group.id} group={group} frame={frame} />;
      })}
    </ViewportLayer>
  );
}
