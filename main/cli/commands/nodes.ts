import { catalog } from '../engine-options.ts';

export function nodesCommand(flags: { json?: boolean }): number {
  const described = catalog.describe();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(described, null, 2)}\n`);
    return 0;
  }
  const ports = (list: { name: string; dataType: string; optional: boolean }[]) =>
    list.map((p) => `${p.name}:${p.dataType}${p.optional ? '?' : ''}`).join(', ') || '—';
  for (const node of described.nodes) {
    process.stdout.write(`${node.type} v${node.version}  ${node.title}  [${node.category}, ${node.mode}]\n`);
    process.stdout.write(`  ${node.description}\n  in: ${ports(node.inputs)}  →  out: ${ports(node.outputs)}\n`);
  }
  return 0;
}
