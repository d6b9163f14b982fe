import pg from 'pg';
import { ValidationError } from '../errors.js';

const { escapeIdentifier } = pg;

/** A parameterized query: SQL text with `$n` placeholders and the values bound to them. */
export interface SqlQuery {
  readonly text: string;
  readonly values: unknown[];
}

type Part = { sql: string } | { value: unknown } | { fragment: SqlFragment };

/**
 * A piece of SQL built by the `sql` tag. Values never enter the text: each
 * becomes a `$n` placeholder, numbered when the whole query is rendered, so
 * fragments compose freely.
 */
export class SqlFragment implements SqlQuery {
  /** @internal */
  constructor(private readonly parts: readonly Part[]) {}

  get text(): string {
    return this.render().text;
  }

  get values(): unknown[] {
    return this.render().values;
  }

  render(): SqlQuery {
    const values: unknown[] = [];
    const text = this.renderInto(values);
    return { text, values };
  }

  private renderInto(values: unknown[]): string {
    let text = '';
    for (const part of this.parts) {
      if ('sql' in part) text += part.sql;
      else if ('fragment' in part) text += part.fragment.renderInto(values);
      else text += `$${values.push(part.value)}`;
    }
    return text;
  }
}

/**
 * Tagged template for parameterized queries:
 * `` db.query(sql`SELECT * FROM accounts WHERE id = ${id}`) ``.
 * Interpolated `sql` fragments are inlined; every other value is bound.
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  const parts: Part[] = [];
  strings.forEach((chunk, index) => {
    if (chunk) parts.push({ sql: chunk });
    if (index < values.length) {
      const value = values[index];
      parts.push(value instanceof SqlFragment ? { fragment: value } : { value });
    }
  });
  return new SqlFragment(parts);
}

/** A quoted identifier (`"table"`), for names that cannot be bound as parameters. */
sql.identifier = (name: string): SqlFragment => {
  // No server accepts these as names; refusing them here keeps the query from reaching it malformed.
  if (typeof name !== 'string' || name === '' || name.includes('\u0000')) {
    throw new ValidationError(undefined, undefined, `sql.identifier() needs a non-empty string without NUL characters, got ${typeof name === 'string' ? JSON.stringify(name) : typeof name}`);
  }
  return new SqlFragment([{ sql: escapeIdentifier(name) }]);
};

/** Joins fragments with a separator: `` sql.join(conditions, sql` AND `) ``. */
sql.join = (fragments: readonly SqlFragment[], separator: SqlFragment = sql`, `): SqlFragment => {
  const parts: Part[] = [];
  fragments.forEach((fragment, index) => {
    if (index > 0) parts.push({ fragment: separator });
    parts.push({ fragment });
  });
  return new SqlFragment(parts);
};
