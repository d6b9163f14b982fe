import { ValidationError } from '../errors.js';
import type { AnyTable } from '../schema/table.definition.js';

export const LOCK_OPTIONS: readonly string[] = ['lock', 'skipLocked', 'noWait'];

/**
 * ` FOR UPDATE [SKIP LOCKED | NOWAIT]` (or `FOR SHARE …`) from the read
 * options, `''` without `lock`. Whether a transaction is active is the
 * repository's check: this only reads the options.
 */
export function lockClause(table: AnyTable, options: Record<string, unknown>): string {
  const { lock, skipLocked, noWait } = options;
  if (skipLocked !== undefined && typeof skipLocked !== 'boolean') throw new ValidationError(table.name, undefined, 'skipLocked takes true or false');
  if (noWait !== undefined && typeof noWait !== 'boolean') throw new ValidationError(table.name, undefined, 'noWait takes true or false');
  if (lock === undefined) {
    if (skipLocked || noWait) throw new ValidationError(table.name, undefined, `${skipLocked ? 'skipLocked' : 'noWait'} needs lock: 'update' or 'share'`);
    return '';
  }
  if (lock !== 'update' && lock !== 'share') {
    throw new ValidationError(table.name, undefined, `lock must be 'update' or 'share', got ${typeof lock === 'string' ? JSON.stringify(lock) : typeof lock}`);
  }
  if (skipLocked && noWait) throw new ValidationError(table.name, undefined, 'skipLocked and noWait exclude each other: a locked row is either skipped or an error');
  return ` FOR ${lock === 'update' ? 'UPDATE' : 'SHARE'}${skipLocked ? ' SKIP LOCKED' : noWait ? ' NOWAIT' : ''}`;
}

/** Whether the read options ask for a lock (so the caller must be inside a transaction). */
export function wantsLock(options: unknown): boolean {
  return typeof options === 'object' && options !== null && (options as { lock?: unknown }).lock !== undefined;
}
