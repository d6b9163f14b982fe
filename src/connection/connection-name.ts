/** The name of the connection that `CockroachModule.forRoot()` opens when no `name` is given. */
export const DEFAULT_CONNECTION_NAME = 'default';
