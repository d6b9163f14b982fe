/** Collects bound values while a statement is written; each becomes a typed `$n` placeholder. */
export class ParamList {
  readonly values: unknown[] = [];

  /**
   * The placeholder for `value`, cast to `sqlType` so both servers know the
   * parameter's type even where the context does not say (`= ANY($1)`, `@>`).
   */
  add(value: unknown, sqlType: string): string {
    return `$${this.values.push(value)}::${sqlType}`;
  }
}
