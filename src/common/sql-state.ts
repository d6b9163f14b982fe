/**
 * Reading SQLSTATEs off errors, in one place. `pg`'s `DatabaseError` carries
 * the server's code as `code`; Node's socket errors carry theirs (`ECONNRESET`)
 * in the same field, and a caller may wrap either (`new Error('…', { cause })`).
 */

/** The error's own `code`, if it is a string (the server's SQLSTATE or a socket error's code). */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The codes of an error and of every error in its `cause` chain, outermost first. */
export function codesInCauseChain(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = errorCode(current);
    if (code !== undefined) codes.push(code);
    current = current.cause;
  }
  return codes;
}

/** The first code in the cause chain, for logs and traces: a wrapped 40001 still reads as 40001. */
export function describeCode(error: unknown, fallback = 'connection lost'): string {
  return codesInCauseChain(error)[0] ?? fallback;
}
