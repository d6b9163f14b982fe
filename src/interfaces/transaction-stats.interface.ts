/** Counters since connect; every retry is visible here. */
export interface TransactionStats {
  /** Attempts started, first tries and retries alike. */
  attempts: number;
  retries: number;
  commits: number;
  rollbacks: number;
  /** Transactions that ran out of attempts (`ExceededMaxAttemptsError`). */
  exceeded: number;
  /** Commits whose outcome is unknown (`AmbiguousCommitError`). */
  ambiguous: number;
}
