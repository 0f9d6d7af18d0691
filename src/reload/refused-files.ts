import { specialAt, type Refusal } from '../files/bounded-read.js';

/**
 * The files go opens for one target that gowatch refused to read. One that is a FIFO, a device
 * or a socket holds every go command of the target: go would wait on it forever, or fail. Each
 * refusal is said once, and again only if the file was fine in between.
 */
export class RefusedFiles {
  readonly #holding = new Set<string>();
  /** What was said of each file: a refusal is said again only when it changes in kind. */
  readonly #said = new Map<string, string>();
  readonly #say: (file: string, refusal: Refusal, holds: boolean) => void;

  constructor(say: (file: string, refusal: Refusal, holds: boolean) => void) {
    this.#say = say;
  }

  /** What a file go opens is now: refused, or fine (undefined). */
  note(file: string, refusal: Refusal | undefined): void {
    const holds = refusal?.kind === 'special';
    if (holds) this.#holding.add(file);
    else this.#holding.delete(file);
    if (!refusal) {
      this.#said.delete(file);
      return;
    }
    const said = refusal.kind === 'special' ? refusal.what : refusal.kind;
    if (this.#said.get(file) === said) return;
    this.#said.set(file, said);
    this.#say(file, refusal, holds);
  }

  /**
   * A file that holds go commands now, if any. Each is looked at again: one removed unseen
   * (with its directory, say) holds nothing any more.
   */
  async holding(): Promise<string | undefined> {
    for (const file of this.#holding) {
      if (await specialAt(file)) return file;
      this.note(file, undefined);
    }
    return undefined;
  }
}
