import { array, bool, defineTable, json, rowId, text, timestamptz } from '../../src/index.js';

/** Free-form details kept as JSONB; `GET /todos?meta={"priority":"high"}` filters by containment. */
export interface TodoMeta {
  priority?: 'low' | 'normal' | 'high';
  due?: string;
  [key: string]: unknown;
}

export const todosTable = defineTable(
  'todos',
  {
    id: rowId(),
    title: text(),
    done: bool().default(false),
    tags: array(text()).default([]),
    meta: json<TodoMeta>().nullable(),
    createdAt: timestamptz().defaultSql('now()'),
  },
  // Inverted (GIN) indexes serve `tags @> …` and `meta @> …`.
  { invertedIndexes: [{ column: 'tags' }, { column: 'meta' }] },
);
