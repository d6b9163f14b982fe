export type Dialect = 'cockroach' | 'postgres';

export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
}

/** What the connected server can do; checked before SQL that needs it is sent. */
export interface ServerCapabilities {
  /** `BEGIN PRIORITY …` and `SET TRANSACTION PRIORITY`. */
  transactionPriority: boolean;
  /** `AS OF SYSTEM TIME` historical reads. */
  asOfSystemTime: boolean;
  /** Nested `SAVEPOINT`s other than `cockroach_restart` (CockroachDB ≥ 20.1). */
  nestedSavepoints: boolean;
  /** The `UPSERT` statement. */
  upsert: boolean;
}

export interface ServerInfo {
  dialect: Dialect;
  version: ServerVersion;
  /** The full `version()` string. */
  versionString: string;
  capabilities: ServerCapabilities;
}

const COCKROACH_VERSION = /^CockroachDB\s+\S+\s+v(\d+)\.(\d+)(?:\.(\d+))?/;
const POSTGRES_VERSION = /^PostgreSQL\s+(\d+)(?:\.(\d+))?(?:\.(\d+))?/;

/** Reads the dialect and version from `SELECT version()`. */
export function parseServerVersion(versionString: string): ServerInfo {
  const cockroach = COCKROACH_VERSION.exec(versionString);
  if (cockroach) {
    const version = toVersion(cockroach);
    return {
      dialect: 'cockroach',
      version,
      versionString,
      capabilities: {
        transactionPriority: true,
        asOfSystemTime: true,
        nestedSavepoints: version.major > 20 || (version.major === 20 && version.minor >= 1),
        upsert: true,
      },
    };
  }
  const postgres = POSTGRES_VERSION.exec(versionString);
  if (postgres) {
    return {
      dialect: 'postgres',
      version: toVersion(postgres),
      versionString,
      capabilities: { transactionPriority: false, asOfSystemTime: false, nestedSavepoints: true, upsert: false },
    };
  }
  if (/^CockroachDB\s/.test(versionString)) {
    // A development build reports no release tag (e.g. `CockroachDB CCL unknown (…)`): its
    // capabilities cannot be known, and asking again will not change the answer.
    throw new UnrecognisedServerError(
      `CockroachDB without a release version (a development build?): version() returned ${JSON.stringify(versionString.slice(0, 120))}; ` +
        'use a released CockroachDB',
    );
  }
  throw new UnrecognisedServerError(`Unrecognised server: version() returned ${JSON.stringify(versionString.slice(0, 120))}`);
}

/** `version()` named no server this library knows: permanent, so start-up fails at once. */
export class UnrecognisedServerError extends Error {}

function toVersion(match: RegExpExecArray): ServerVersion {
  return { major: Number(match[1]), minor: Number(match[2] ?? 0), patch: Number(match[3] ?? 0) };
}
