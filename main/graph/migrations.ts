import { GRAPH_FORMAT_VERSION } from './format.ts';

/**
 * Upgrades of the graph file format: `formatMigrations[n]` turns a version-n file into version n + 1.
 * Every format version ever released keeps its step here, so any old file still opens.
 */
const formatMigrations: Readonly<Record<number, (file: Record<string, unknown>) => Record<string, unknown>>> = {};

export function migrateFormat(file: Record<string, unknown>): Record<string, unknown> {
  let version = file.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new Error(`"version" must be a positive integer, got ${JSON.stringify(version)}`);
  }
  if (version > GRAPH_FORMAT_VERSION) {
    throw new Error(
      `the file is graph format version ${version}, written by a newer ReWatch Studio; this one reads up to version ${GRAPH_FORMAT_VERSION}`,
    );
  }
  let current = file;
  while (version < GRAPH_FORMAT_VERSION) {
    const step = formatMigrations[version];
    if (!step) throw new Error(`no migration from graph format version ${version}`);
    current = step(current);
    version += 1;
    current = { ...current, version };
  }
  return current;
}
