import pg from 'pg';
import type { SqlQuery } from '../connection/sql.template.js';
import { ValidationError } from '../errors.js';
import { paramType } from '../schema/column.sql.js';
import type { AnyTable } from '../schema/table.definition.js';
import { optionRecord } from './input.guard.js';
import { cursorColumns, queryFingerprint, readCursor, writeCursor, type CursorColumns } from './page.cursor.js';
import { ParamList } from './param.list.js';
import { orderTerms, selectList } from './select.builder.js';
import { buildWhere } from './where.builder.js';

const { escapeIdentifier } = pg;

const PAGE_OPTIONS = ['where', 'orderBy', 'after', 'limit'];
export const MAX_PAGE_SIZE = 10_000;

type Direction = 'asc' | 'desc';

/** A page query and what turns its result into rows and the next cursor. */
export interface PageQuery extends SqlQuery {
  readonly limit: number;
  /** Takes the result rows (at most `limit + 1`): returns the page's rows and the cursor after them. */
  readonly finish: (rows: Array<Record<string, unknown>>) => { rows: Array<Record<string, unknown>>; next: string | null };
}

/**
 * Keyset pagination: `WHERE (sort columns) > (last row's values) ORDER BY …
 * LIMIT n + 1`. The primary key ends the order, so the order is total and a
 * page starts exactly after the previous one's last row, whatever was
 * inserted or deleted in between; the extra row only says whether there is
 * a next page. No OFFSET, so every page costs the same.
 */
export function buildPage(table: AnyTable, options: unknown): PageQuery {
  const record = optionRecord(table, options, 'the findPage options', PAGE_OPTIONS, 'findPage');
  const limit = pageSize(table, record.limit, 'limit');
  if (record.orderBy === undefined) throw new ValidationError(table.name, undefined, 'findPage needs orderBy (the primary key is added as a tie-breaker)');
  const plan = pagePlan(table, record.orderBy);
  const params = new ParamList();
  const where = buildWhere(table, record.where, params, false);
  const fingerprint = where === '' ? plan.fingerprint : queryFingerprint(table, plan.order, where, params.values);
  const after = record.after === undefined || record.after === null ? undefined : readCursor(table, plan.cursorColumns, record.after, fingerprint);

  let text: string;
  if (where === '') {
    // Without a filter the statement depends on the plan alone: its text was written with the plan.
    text = after === undefined ? plan.firstPage : plan.nextPage;
    if (after !== undefined) params.values.push(...after);
    params.values.push(limit + 1);
  } else {
    let condition = where;
    if (after !== undefined) condition += ` AND ${keysetCondition(plan, after.map((value, index) => params.add(value, plan.paramTypes[index]!)))}`;
    text = `${plan.select}${condition}${plan.orderBy}${params.add(limit + 1, 'INT8')}`;
  }
  return { text, values: params.values, limit, finish: (rows) => finishPage(table, plan, fingerprint, limit, rows) };
}

/** The page's rows (the extra row that only said "there is more" dropped) and the cursor after the last of them. */
function finishPage(
  table: AnyTable,
  plan: PagePlan,
  fingerprint: string,
  limit: number,
  rows: Array<Record<string, unknown>>,
): { rows: Array<Record<string, unknown>>; next: string | null } {
  const more = rows.length > limit;
  while (rows.length > limit) rows.pop();
  const last = rows[rows.length - 1];
  const { exactFields } = plan;
  let exact: string[] = [];
  if (exactFields.length > 0) {
    if (last !== undefined) exact = exactFields.map((field) => last[field] as string);
    for (const row of rows) for (const field of exactFields) delete row[field];
  }
  return { rows, next: more && last !== undefined ? writeCursor(table, plan.cursorColumns, last, exact, fingerprint) : null };
}

/** What a page query of one table in one order always is: worked out once, not on every page. */
interface PagePlan {
  readonly order: ReadonlyArray<readonly [string, Direction]>;
  readonly cursorColumns: CursorColumns;
  readonly paramTypes: readonly string[];
  /** The result fields holding the server's text of each TIMESTAMPTZ sort value, for an exact cursor (see writeCursor). */
  readonly exactFields: readonly string[];
  /** `SELECT … FROM table` */
  readonly select: string;
  /** ` ORDER BY … LIMIT ` (the limit's placeholder follows) */
  readonly orderBy: string;
  readonly names: readonly string[];
  readonly oneDirection: boolean;
  /** The fingerprint of the query without a filter. */
  readonly fingerprint: string;
  /** The statement without a filter: the first page (`$1` is the limit) and a page after a cursor (its values, then the limit). */
  readonly firstPage: string;
  readonly nextPage: string;
}

/**
 * Plans by table, each with the orderBy it was written for (its names in
 * order and their directions). A few per table in practice, so a short list
 * and a small bound suffice.
 */
interface RememberedPlan {
  readonly names: readonly string[];
  readonly directions: readonly unknown[];
  readonly plan: PagePlan;
}
const plans = new WeakMap<AnyTable, RememberedPlan[]>();
const MAX_PLANS_PER_TABLE = 64;

/**
 * The plan of this orderBy. Only a plain object (Object's prototype, no
 * symbol keys) whose names, in order, and directions are exactly those of one
 * that was validated in full gets a remembered plan: it would pass the same
 * checks. Anything else is validated (and refused) every time.
 */
function pagePlan(table: AnyTable, orderBy: unknown): PagePlan {
  const remembered = plans.get(table);
  const plain = isPlainObject(orderBy);
  if (remembered !== undefined && plain) {
    const names = Object.keys(orderBy);
    for (const entry of remembered) if (sameOrder(entry, names, orderBy)) return entry.plan;
  }
  // A miss validates the orderBy in full; only a valid one is remembered.
  if (!plain) return writePlan(table, orderBy);
  // Read once, then validated and remembered as read: a getter cannot make the plan and the remembered order differ.
  const names = Object.keys(orderBy);
  const directions = names.map((name) => orderBy[name]);
  const plan = writePlan(table, Object.fromEntries(names.map((name, index) => [name, directions[index]])));
  const entry = { names, directions, plan };
  if (remembered === undefined || remembered.length >= MAX_PLANS_PER_TABLE) plans.set(table, [entry]);
  else remembered.push(entry);
  return plan;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && Object.getOwnPropertySymbols(value).length === 0;
}

function sameOrder(entry: RememberedPlan, names: readonly string[], orderBy: Record<string, unknown>): boolean {
  if (names.length !== entry.names.length) return false;
  for (let index = 0; index < names.length; index++) {
    if (names[index] !== entry.names[index] || orderBy[names[index]!] !== entry.directions[index]) return false;
  }
  return true;
}

function writePlan(table: AnyTable, orderBy: unknown): PagePlan {
  const order = totalOrder(table, orderBy);
  const columns = order.map(([column]) => column);
  const exactColumns = columns.filter((column) => table.column(column)!.kind === 'timestamptz');
  const exactList = exactColumns.map((column, index) => `, ${escapeIdentifier(table.sqlName(column))}::TEXT AS "$cursor${index}"`).join('');
  const names = columns.map((column) => escapeIdentifier(table.sqlName(column)));
  const orderSql = order.map(([, direction], index) => `${names[index]!} ${direction === 'asc' ? 'ASC' : 'DESC'}`).join(', ');
  const paramTypes = columns.map((column) => paramType(table.column(column)!));
  const select = `SELECT ${selectList(table)}${exactList} FROM ${escapeIdentifier(table.name)}`;
  const orderBySql = ` ORDER BY ${orderSql} LIMIT `;
  const oneDirection = order.every(([, direction]) => direction === order[0]![1]);
  // Placeholders as ParamList writes them, so a cached text is exactly the one built with a filter's.
  const cursorPlaceholders = paramTypes.map((type, index) => `$${index + 1}::${type}`);
  return {
    order,
    cursorColumns: cursorColumns(table, columns),
    paramTypes,
    exactFields: exactColumns.map((_, index) => `$cursor${index}`),
    select,
    orderBy: orderBySql,
    names,
    oneDirection,
    fingerprint: queryFingerprint(table, order, '', []),
    firstPage: `${select}${orderBySql}$1::INT8`,
    nextPage: `${select} WHERE ${keysetCondition({ order, names, oneDirection }, cursorPlaceholders)}${orderBySql}$${columns.length + 1}::INT8`,
  };
}

/** The caller's order, then the primary-key columns it does not name: a total order. */
function totalOrder(table: AnyTable, orderBy: unknown): Array<[string, Direction]> {
  if (table.primaryKey.length === 0) {
    throw new ValidationError(table.name, undefined, 'findPage needs a primary key to break ties between equal sort values');
  }
  const order = orderTerms(table, orderBy);
  if (order.length === 0) throw new ValidationError(table.name, undefined, 'orderBy names no column');
  for (const [column] of order) {
    const spec = table.column(column)!;
    if (spec.nullable) {
      throw new ValidationError(table.name, column, 'findPage cannot order by a nullable column: NULLs have no place in a keyset; order by NOT NULL columns');
    }
    if (spec.kind === 'jsonb' || spec.kind === 'array') throw new ValidationError(table.name, column, `findPage cannot order by a ${spec.kind} column`);
  }
  for (const key of table.primaryKey) if (!order.some(([column]) => column === key)) order.push([key, 'asc']);
  return order;
}

/**
 * Rows strictly after the cursor in the given order. One direction: a row
 * comparison, which an index on those columns serves directly. Mixed: the
 * expanded form `a > $1 OR (a = $1 AND b < $2) OR …`.
 */
function keysetCondition(plan: Pick<PagePlan, 'order' | 'names' | 'oneDirection'>, placeholders: readonly string[]): string {
  const { order, names } = plan;
  const comparison = (direction: Direction): string => (direction === 'asc' ? '>' : '<');
  if (plan.oneDirection) {
    return names.length === 1
      ? `${names[0]!} ${comparison(order[0]![1])} ${placeholders[0]!}`
      : `(${names.join(', ')}) ${comparison(order[0]![1])} (${placeholders.join(', ')})`;
  }
  const branches = order.map(([, direction], index) => {
    const equal = names.slice(0, index).map((name, position) => `${name} = ${placeholders[position]!}`);
    return [...equal, `${names[index]!} ${comparison(direction)} ${placeholders[index]!}`].join(' AND ');
  });
  return `(${branches.map((branch) => `(${branch})`).join(' OR ')})`;
}

export function pageSize(table: AnyTable, value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new ValidationError(table.name, undefined, `${option} must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}
