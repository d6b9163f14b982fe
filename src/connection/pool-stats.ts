/** The pool's figures, for health checks and dashboards. */
export interface PoolStats {
  /** Connections open, busy or idle. */
  total: number;
  idle: number;
  /** Callers queued for a connection. */
  waiting: number;
  max: number;
}
