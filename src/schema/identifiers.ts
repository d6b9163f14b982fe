import { ValidationError } from '../errors.js';

/** Names the library writes into SQL itself (quoted, but still kept plain so that they mean the same everywhere). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** PostgreSQL silently truncates longer names; refusing them keeps names exact. */
const MAX_IDENTIFIER_BYTES = 63;
/** Column names that would collide with object machinery in row objects. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses a table, column or index name that is not a plain identifier of at most 63 bytes. */
export function checkIdentifier(table: string | undefined, column: string | undefined, identifier: unknown, what: string): void {
  if (typeof identifier !== 'string' || !IDENTIFIER.test(identifier)) {
    throw new ValidationError(table, column, `invalid ${what} ${JSON.stringify(identifier)}: use letters, digits and underscores, not starting with a digit`);
  }
  if (Buffer.byteLength(identifier) > MAX_IDENTIFIER_BYTES) {
    throw new ValidationError(table, column, `${what} "${identifier}" is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
}
