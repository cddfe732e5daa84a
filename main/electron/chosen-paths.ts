/**
 * The files the user pointed the app at during this session: chosen in an open or save dialog, or picked from the
 * recent list the main process keeps. Only these are written or revealed; a path the page makes up is not.
 */
export class ChosenPaths {
  readonly #paths = new Set<string>();

  add(path: string): void {
    this.#paths.add(path);
  }

  has(path: string): boolean {
    return this.#paths.has(path);
  }
}
