export { beginTestTransaction, rollbackTestTransaction, type TestTransactionOptions } from './test-transaction.js';
