import pg from 'pg';
import type { ColumnKind, ColumnSpec } from './column.types.js';

const { escapeLiteral } = pg;

const SQL_TYPES: Record<Exclude<ColumnKind, 'array'>, string> = {
  uuid: 'UUID',
  int8: 'INT8',
  int4: 'INT4',
  int2: 'INT2',
  float8: 'FLOAT8',
  text: 'TEXT',
  // A CHECK constraint holds the values: the same on both dialects, no type to create first.
  enum: 'TEXT',
  date: 'DATE',
  bool: 'BOOL',
  timestamptz: 'TIMESTAMPTZ',
  decimal: 'DECIMAL',
  // CockroachDB's BYTES; BYTEA is the name both dialects accept.
  bytes: 'BYTEA',
  jsonb: 'JSONB',
};

/** The column's SQL type, spelled so that CockroachDB and PostgreSQL both accept it. */
export function sqlType(spec: ColumnSpec): string {
  if (spec.kind === 'array') return `${sqlType(spec.element!)}[]`;
  if (spec.maxLength !== undefined) return `VARCHAR(${spec.maxLength})`;
  if (spec.precision !== undefined) return spec.scale ? `DECIMAL(${spec.precision},${spec.scale})` : `DECIMAL(${spec.precision})`;
  return SQL_TYPES[spec.kind];
}

/**
 * The type a bound parameter is cast to. Never `VARCHAR(n)` nor `DECIMAL(p,s)`:
 * an explicit cast to them silently truncates or rounds, so a too-long filter
 * value would match a prefix, a too-precise one a neighbour.
 */
export function paramType(spec: ColumnSpec): string {
  if (spec.kind === 'array') return `${paramType(spec.element!)}[]`;
  return SQL_TYPES[spec.kind];
}

/**
 * An already-encoded value (see `encodeValue`) as an SQL literal, for the one
 * place a value cannot be bound: a `DEFAULT` in DDL. Text goes through pg's
 * `escapeLiteral` and is cast to the column's type.
 */
export function sqlLiteral(spec: ColumnSpec, encoded: unknown): string {
  if (encoded === null) return 'NULL';
  if (spec.kind === 'array') {
    const elements = (encoded as unknown[]).map((item) => sqlLiteral(spec.element!, item));
    return `ARRAY[${elements.join(', ')}]::${sqlType(spec)}`;
  }
  return `${escapeLiteral(literalText(encoded)).trim()}::${sqlType(spec)}`;
}

function literalText(encoded: unknown): string {
  if (encoded instanceof Date) return encoded.toISOString();
  if (Buffer.isBuffer(encoded)) return `\\x${encoded.toString('hex')}`;
  return String(encoded);
}
