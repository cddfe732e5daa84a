import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** This machine since it booted: a pid recorded under another identity says nothing about the processes here. */
export function machineIdentity(): string {
  const bootId = '/proc/sys/kernel/random/boot_id';
  return `${hostname()}/${existsSync(bootId) ? readFileSync(bootId, 'utf8').trim() : ''}`;
}

/** Whether a process of this machine runs; a zombie (killed, not yet reaped by its parent) does not. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!existsSync('/proc/self/stat')) return true;
  try {
    // `pid (comm) state …`, where comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}
