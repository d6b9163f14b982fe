import { defineTable, text, timestamptz, uuid, uuidKey } from '../../src/index.js';

export const usersTable = defineTable('users', {
  id: uuidKey(),
  email: text().unique(),
  name: text(),
  createdAt: timestamptz().defaultSql('now()'),
});

/** A login token, valid until `expiresAt` (peewee's `create_user_and_token` example). */
export const loginTokensTable = defineTable(
  'login_tokens',
  {
    token: text().primaryKey(),
    userId: uuid(),
    expiresAt: timestamptz(),
  },
  { indexes: [{ columns: ['userId'] }] },
);
