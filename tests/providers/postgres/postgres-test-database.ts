import { randomUUID } from 'node:crypto';
import {
  createDatabases,
  dropDatabases,
  freshDatabaseName,
  postgresServers,
  withClient,
  withDatabase,
} from '../../support/postgres-servers.js';

/** A fresh database on a test server, and an admin view of the server to check what the driver did. */
export interface TestDatabase {
  readonly name: string;
  /** URL of the database (the test server's login). */
  readonly url: string;
  /** An application_name no other test uses, to find this test's sessions in pg_stat_activity. */
  readonly applicationName: string;
  /** Runs SQL on the database through a separate admin connection. */
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<R[]>;
  /** Statements of `applicationName` running now (pg_stat_activity `active`), other than the admin's. */
  activeStatements(): Promise<string[]>;
  /** Sessions of `applicationName` open now. */
  sessions(): Promise<number>;
  drop(): Promise<void>;
}

/** Creates a new database on the main server (or the second with `server: 'second'`). */
export async function openTestDatabase(tag: string, server: 'main' | 'second' = 'main'): Promise<TestDatabase> {
  const admin = postgresServers()[server];
  const name = freshDatabaseName(tag);
  await createDatabases(admin, [name]);
  const url = withDatabase(admin, name);
  const applicationName = `dtde-test-${randomUUID().slice(0, 8)}`;
  const query = async <R extends Record<string, unknown>>(sql: string, values: unknown[] = []) =>
    withClient(url, async (client) => (await client.query(sql, values)).rows as R[]);
  return {
    name,
    url,
    applicationName,
    query,
    async activeStatements() {
      const rows = await query<{ query: string }>(`SELECT query FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`, [
        applicationName,
      ]);
      return rows.map((r) => r.query);
    },
    async sessions() {
      const [row] = await query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      return Number(row.n);
    },
    drop: () => dropDatabases(admin, [name]),
  };
}

/** Waits until `probe` is true (polling a server view); fails after `ms`. */
export async function eventually(probe: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
