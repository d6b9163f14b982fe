/** An error that came from the socket rather than from SQL: the connection cannot be trusted again. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = 'code' in error ? String(error.code) : '';
  // SQL errors carry a five-character SQLSTATE; class 08 is "connection exception", 57P01-03 are admin/crash shutdowns.
  if (/^[0-9A-Z]{5}$/.test(code)) return code.startsWith('08') || /^57P0[123]$/.test(code);
  return true;
}
