import { accountsTable, transfersTable } from './accounts/accounts.tables.js';
import { todosTable } from './todos/todos.table.js';
import { loginTokensTable, usersTable } from './users/users.tables.js';

/**
 * Every table of the sample, for `nestjs-cockroachdb migrate create <name> --from-tables
 * build/sample-app/sample.tables.js` (the schema itself comes from sample-app/migrations/).
 */
export const SAMPLE_TABLES = [accountsTable, transfersTable, usersTable, loginTokensTable, todosTable];
