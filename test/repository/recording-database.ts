import { CockroachDatabase, type CockroachOptions } from '../../src/index.js';

export interface RecordingDatabase {
  db: CockroachDatabase;
  /** The statements the server was sent, in order, through the library's own `onQuery` hook. */
  statements: string[];
}

/**
 * Connects with an `onQuery` hook that records every statement actually sent
 * (no mock: the queries still run). Tests clear `statements` before the part
 * they pin.
 */
export async function connectRecording(url: string, options: Omit<CockroachOptions, 'url' | 'onQuery'> = {}): Promise<RecordingDatabase> {
  const statements: string[] = [];
  const db = await CockroachDatabase.connect({ ...options, url, onQuery: (event) => statements.push(event.text) });
  statements.length = 0;
  return { db, statements };
}
