/**
 * SQLSTATEs the server sends as it closes the connection: class 08
 * ("connection exception") and 57P01–57P03 (admin shutdown, crash shutdown,
 * cannot connect now). PostgreSQL sends 57P01 from a terminated backend
 * (`pg_terminate_backend`, a fast shutdown); CockroachDB sends it, as "server
 * is shutting down", to the connections of a draining node.
 */
const CONNECTION_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123])$/;

/** Node's socket errors: the TCP connection itself failed. */
const SOCKET_ERROR_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTCONN',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/**
 * `pg` reports the end of its socket with plain `Error`s that carry no code;
 * their messages are the only thing that names them ("Connection terminated",
 * "Connection terminated unexpectedly", "… due to connection timeout", and the
 * refusals of a client whose socket has already failed or was closed).
 */
const DRIVER_CONNECTION_MESSAGE = /^(Connection terminated\b|Client has encountered a connection error and is not queryable$|Client was closed and is not queryable$)/;

/**
 * Whether an error is a failure of the connection itself rather than of the
 * statement: the server closing the session, the socket failing, or `pg`
 * reporting that its socket ended. Anything else — a SQL error with any other
 * SQLSTATE, an error thrown by a type parser (`UnsafeIntegerError`) or by the
 * caller's own code — is the caller's error, and the connection it happened
 * on is as good as before.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined && CONNECTION_SQLSTATE.test(code)) return true;
  if (code !== undefined && SOCKET_ERROR_CODES.has(code)) return true;
  return code === undefined && DRIVER_CONNECTION_MESSAGE.test(error.message);
}

/**
 * The server's "this session is over" replies: 57P01 (admin shutdown:
 * `pg_terminate_backend`, PostgreSQL's fast shutdown, a draining CockroachDB
 * node), 57P02 (crash of another backend), 57P03 (cannot connect now).
 */
export function isServerShutdown(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && /^57P0[123]$/.test(error.code);
}
