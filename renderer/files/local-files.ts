/** Recent files and the crash-recovery copy, kept in localStorage (the browser cannot reopen a file by path). */

interface StoredGraph {
  fileName: string;
  savedAt: number;
  text: string;
}

const RECENT_KEY = 'rewatch.recent';
const RECOVERY_KEY = 'rewatch.recovery';
const RECENT_LIMIT = 8;

function read<T>(key: string): T | undefined {
  try {
    const text = localStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Storage full or disabled: recent files and recovery are conveniences, never a reason to fail an edit. */
function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (error) {
    console.warn(`cannot keep ${key} in localStorage`, error);
  }
}

export function recentFiles(): StoredGraph[] {
  return read<StoredGraph[]>(RECENT_KEY) ?? [];
}

export function rememberRecent(entry: StoredGraph): StoredGraph[] {
  const list = [entry, ...recentFiles().filter((f) => f.fileName !== entry.fileName)].slice(0, RECENT_LIMIT);
  write(RECENT_KEY, list);
  return list;
}

export function recoveryCopy(): StoredGraph | undefined {
  return read<StoredGraph>(RECOVERY_KEY);
}

export function keepRecoveryCopy(entry: StoredGraph): void {
  write(RECOVERY_KEY, entry);
}

export function dropRecoveryCopy(): void {
  localStorage.removeItem(RECOVERY_KEY);
}
