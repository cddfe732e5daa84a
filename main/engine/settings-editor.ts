import { ApiError, type SaveSettingsEntry, type SettingsFieldError, type SettingsFileInfo, type SettingsKind } from '../api/contract.ts';
import { INLINE_KEY_FIELDS } from '../llm/profiles.ts';
import { redactUrl } from './redact.ts';
import { SettingsDocument, settingsFilePath } from './settings-files.ts';
import { ENTRY_SCHEMAS, settingsErrors } from './settings-validation.ts';

type Entry = Record<string, unknown>;

/**
 * Settings edits of the data dir's files, one at a time (each reads, checks and writes its file whole, so two at once
 * would lose one), each followed by `reload` of what it changed.
 */
export class SettingsEditor {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly reload: (kind: SettingsKind) => Promise<void>,
  ) {}

  async file(kind: SettingsKind): Promise<SettingsFileInfo> {
    const file = await this.#open(kind);
    // An entry that is not a map is the file's problem, reported on save; there is nothing of it to edit.
    const entries = file.entries().filter(isRecord);
    return { kind, path: file.path, entries: kind === 'providers' ? entries.map(servedProfile) : entries, schemas: ENTRY_SCHEMAS[kind] };
  }

  /** Writes the entry when the file with it passes the engine's schemas; else what is wrong, by field. */
  save(kind: SettingsKind, { previousName, entry }: SaveSettingsEntry): Promise<SettingsFieldError[]> {
    return this.#serial(async () => {
      const file = await this.#open(kind);
      const entries = file.entries();
      const index = previousName === undefined ? -1 : indexOf(file, previousName);
      const stored = entries[index];
      const value = kind === 'providers' && isRecord(stored) ? withUnmaskedUrls(entry, stored) : entry;
      const next = index >= 0 ? entries.map((e, i) => (i === index ? value : e)) : [...entries, value];
      const errors = settingsErrors(kind, next, index >= 0 ? index : next.length - 1);
      if (errors.length) return errors;
      file.put(index, value);
      await file.save();
      await this.reload(kind);
      return [];
    });
  }

  delete(kind: SettingsKind, name: string): Promise<void> {
    return this.#serial(async () => {
      const file = await this.#open(kind);
      file.remove(indexOf(file, name));
      await file.save();
      await this.reload(kind);
    });
  }

  #open(kind: SettingsKind): Promise<SettingsDocument> {
    return SettingsDocument.open(settingsFilePath(this.dataDir, kind), kind);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }
}

function indexOf(file: SettingsDocument, name: string): number {
  const index = file.indexOf(name);
  if (index < 0) throw new ApiError(404, `${file.path}: no entry named "${name}"`);
  return index;
}

function isRecord(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A profile as Settings shows it: no inline key (the file should have none), credentials in URLs masked. */
function servedProfile(entry: Entry): Entry {
  const served = Object.fromEntries(Object.entries(entry).filter(([key]) => !(INLINE_KEY_FIELDS as readonly string[]).includes(key)));
  if (typeof served.baseURL === 'string') served.baseURL = redactUrl(served.baseURL);
  if (Array.isArray(served.replicas)) served.replicas = served.replicas.map((url) => (typeof url === 'string' ? redactUrl(url) : url));
  return served;
}

/** A saved profile whose URLs came back as Settings masked them keeps the stored URLs, credentials included. */
function withUnmaskedUrls(entry: Entry, stored: Entry): Entry {
  const unmask = (url: unknown, original: unknown) =>
    typeof url === 'string' && typeof original === 'string' && url !== original && url === redactUrl(original) ? original : url;
  const storedReplicas = Array.isArray(stored.replicas) ? stored.replicas : [];
  return {
    ...entry,
    ...('baseURL' in entry ? { baseURL: unmask(entry.baseURL, stored.baseURL) } : {}),
    ...(Array.isArray(entry.replicas) ? { replicas: entry.replicas.map((url, i) => unmask(url, storedReplicas[i])) } : {}),
  };
}
