import pg from 'pg';
import { inject } from 'vitest';

// The two PostgreSQL servers the tests use, and databases named after the process that owns them.
// The URLs come from the global setup (tests/support/postgres-global-setup.ts) through vitest's
// inject(); without a setup (a script), from DTDE_PG_URL / DTDE_PG2_URL.

/** The main server: `.ci/run` makes sure it runs; run by hand, it is this machine's cluster. */
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Database names the tests create start with this, then the owning process id. */
export const TEST_DATABASE_PREFIX = 'dtde_t';

export interface PostgresServers {
  /** Admin URL (maintenance database) of the main server. */
  readonly main: string;
  /** Admin URL of the second server, so database-mode shards really span two servers. */
  readonly second: string;
}

/** `url` with its database replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

let counter = 0;

/**
 * A database name no other test, worker or concurrent run uses: `dtde_t<pid>_<tag>_<n>`. The
 * global setup drops leftovers whose process has ended (a crashed run).
 */
export function freshDatabaseName(tag: string): string {
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${tag.replace(/[^a-z0-9_]/gi, '').toLowerCase()}_${++counter}`;
  if (name.length > 63) throw new Error(`test database name '${name}' is longer than 63 characters; use a shorter tag`);
  return name;
}

/** Runs `fn` with a one-off client on `url` (the admin side of a test: setup, checks, cleanup). */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the databases on the server of `url` (already-existing ones are dropped first). */
export async function createDatabases(url: string, names: readonly string[]): Promise<void> {
  await withClient(url, async (client) => {
    for (const name of names) {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${name}"`);
    }
  });
}

/** Drops the databases on the server of `url`, ending their sessions; missing ones are fine. */
export async function dropDatabases(url: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await withClient(url, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/**
 * Drops the test databases of processes that no longer run (a run that crashed before its
 * cleanup), so leftovers never pile up; databases of live processes (a concurrent run) stay.
 */
export async function dropAbandonedTestDatabases(url: string): Promise<string[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${TEST_DATABASE_PREFIX}%`,
    ]);
    const dropped: string[] = [];
    for (const { datname } of rows) {
      const pid = Number(/^dtde_t(\d+)_/.exec(datname)?.[1]);
      if (!Number.isInteger(pid) || processAlive(pid)) continue;
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      dropped.push(datname);
    }
    return dropped;
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The servers of this run, from the global setup. Throws (failing the test that asked) when a
 * server could not be reached or started: PostgreSQL tests fail, they never skip.
 */
export function postgresServers(): PostgresServers {
  const provided = inject('postgres');
  if (provided === undefined) {
    return { main: process.env.DTDE_PG_URL ?? DEFAULT_PG_URL, second: process.env.DTDE_PG2_URL ?? DEFAULT_PG_URL };
  }
  if (provided.problems.length > 0) throw new Error(`PostgreSQL is not available for this test: ${provided.problems.join('; ')}`);
  return { main: provided.main, second: provided.second };
}
