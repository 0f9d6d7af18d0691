/**
 * Errors gowatch expects to meet are typed values carrying a user-facing message
 * and the exit status the CLI should use; anything else is a bug and keeps its stack.
 */
export const ERROR_KINDS = ['config', 'usage', 'go-missing', 'go-list', 'watch', 'cache', 'busy', 'start', 'profile', 'debug'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export class GowatchError extends Error {
  readonly kind: ErrorKind;
  readonly exitCode: number;

  constructor(kind: ErrorKind, message: string, exitCode = 2) {
    super(message);
    this.name = 'GowatchError';
    this.kind = kind;
    this.exitCode = exitCode;
  }
}

export const isGowatchError = (error: unknown): error is GowatchError => error instanceof GowatchError;

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** What the `error` event says of an error: its kind, or "internal" for what gowatch did not expect. */
export const errorKindOf = (error: unknown): ErrorKind | 'internal' => (isGowatchError(error) ? error.kind : 'internal');
