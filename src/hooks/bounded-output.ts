/**
 * A command's output, kept up to a bound: its end, which says why it failed. What came
 * before is counted, and said at the top of the text.
 */
export class BoundedOutput {
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #kept = 0;
  #dropped = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  add(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#kept += chunk.length;
    while (this.#kept > this.#maxBytes) {
      const first = this.#chunks[0]!;
      const over = this.#kept - this.#maxBytes;
      if (first.length <= over) {
        this.#chunks.shift();
        this.#kept -= first.length;
        this.#dropped += first.length;
      } else {
        this.#chunks[0] = first.subarray(over);
        this.#kept -= over;
        this.#dropped += over;
      }
    }
  }

  text(): string {
    const kept = Buffer.concat(this.#chunks).toString('utf8');
    return this.#dropped === 0 ? kept : `[${this.#dropped} bytes of output before this were left out]\n${kept}`;
  }
}
