import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import { SECRET_NAME } from '../../preload/ipc-schemas.ts';

/** API keys encrypted with the OS keychain (`safeStorage`) in the user data folder; never in a graph file. */
export class SecretStore {
  readonly #file: string;

  constructor(userData: string) {
    this.#file = join(userData, 'secrets.json');
  }

  names(): string[] {
    return Object.keys(this.#read()).sort();
  }

  set(name: string, value: string): void {
    if (!SECRET_NAME.test(name)) throw new Error(`secret names are environment variable names (A-Z, 0-9, _): ${name}`);
    if (!safeStorage.isEncryptionAvailable()) throw new Error('the OS keychain is not available; set the key as an environment variable instead');
    this.#write({ ...this.#read(), [name]: safeStorage.encryptString(value).toString('base64') });
  }

  delete(name: string): void {
    const { [name]: _removed, ...rest } = this.#read();
    this.#write(rest);
  }

  /** Decrypted, for the engine's environment. */
  environment(): Record<string, string> {
    if (!safeStorage.isEncryptionAvailable()) return {};
    return Object.fromEntries(
      Object.entries(this.#read()).map(([name, sealed]) => [name, safeStorage.decryptString(Buffer.from(sealed, 'base64'))]),
    );
  }

  #read(): Record<string, string> {
    return existsSync(this.#file) ? (JSON.parse(readFileSync(this.#file, 'utf8')) as Record<string, string>) : {};
  }

  #write(secrets: Record<string, string>): void {
    writeFileSync(this.#file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
}
