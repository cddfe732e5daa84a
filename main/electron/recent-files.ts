import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const RECENT_LIMIT = 10;
const recentListSchema = z.array(z.string());

/** The recently opened or saved graph files, newest first, kept in the user data folder across sessions. */
export class RecentFiles {
  constructor(private readonly file: string) {}

  list(): string[] {
    if (!existsSync(this.file)) return [];
    try {
      return recentListSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      // A damaged list is a lost convenience, not a reason to fail opening a file.
      return [];
    }
  }

  remember(path: string): void {
    writeFileSync(this.file, JSON.stringify([path, ...this.list().filter((p) => p !== path)].slice(0, RECENT_LIMIT)));
  }
}
