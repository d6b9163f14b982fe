import { defineTable, int4, uuid } from '../../src/index.js';

/**
 * The body of `POST /transfers`. Never created in the database (so it lives
 * apart from the tables, which `migrate create --from-tables` reads): defined with
 * column types only so that its Standard Schema validator
 * (`transferRequest.schemas.insert`) checks requests the way the
 * repository checks rows. `amount` is an INT4 so that it arrives as a plain
 * JSON number (cents).
 */
export const transferRequest = defineTable('transfer_request', { from: uuid(), to: uuid(), amount: int4() });
