import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** A process's state letter and process group from `/proc/<pid>/stat`; `undefined` once it is gone. */
function procStat(pid: number | string): { state: string; group: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid pgrp …`, where comm may hold spaces and parentheses.
  const [state = '', , group = ''] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state, group: Number(group) };
}

const living = (stat: ReturnType<typeof procStat>) => stat !== undefined && stat.state !== 'Z';

export function processAlive(pid: number): boolean {
  return living(procStat(pid));
}

/** Whether any process of the group lives (zombies do not count). */
export function processGroupAlive(group: number): boolean {
  return readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    const stat = procStat(entry);
    return stat?.group === group && living(stat);
  });
}

/** Whether something listens on 127.0.0.1:`port`. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
