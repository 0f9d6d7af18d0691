/**
 * Errors gowatch expects to meet are typed values carrying a user-facing message
 * and the exit status the CLI should use; anything else is a bug and keeps its stack.
 */
export type ErrorKind = 'config' | 'usage' | 'go-missing' | 'go-list' | 'watch' | 'cache' | 'start';

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
