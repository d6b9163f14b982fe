/**
 * The statements that end, open or nest a transaction, told by their leading
 * keyword (after whitespace, comments and empty statements): sent through
 * `db.query` inside a test transaction they would end it — or the savepoint
 * the library framed the statement with — behind the library's back.
 * Conservative: only the first statement of a batch is read; the server's own
 * answer catches the rest (see `rollbackTestTransaction`).
 */
const TRANSACTION_CONTROL = /^(?:BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)(?![A-Za-z0-9_$])/i;

/** The transaction-control keyword `text` starts with (`COMMIT`, `PREPARE TRANSACTION`…), or `undefined`. */
export function leadingTransactionControl(text: string): string | undefined {
  const match = TRANSACTION_CONTROL.exec(text.slice(skipPreamble(text)));
  return match ? match[0].toUpperCase().replace(/\s+/g, ' ') : undefined;
}

/** Where the first statement's first keyword starts: past whitespace, `--` and (nested) `/* *\/` comments, and empty statements. */
function skipPreamble(text: string): number {
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === ';' || /\s/.test(char)) {
      i++;
    } else if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) {
      let depth = 0;
      while (i < text.length) {
        if (text.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('*/', i)) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else {
          i++;
        }
      }
    } else {
      break;
    }
  }
  return i;
}
