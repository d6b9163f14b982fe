export { beginTestTransaction, rollbackTestTransaction, type TestTransactionOptions } from './test-transaction.js';
export { createDatabaseStandIn, type DatabaseStandInOptions } from './database-stand-in.js';
