import type { ConnectionRef } from '../../src/metadata/model.js';
import type {
  DatabaseDriver,
  DriverParameters,
  DriverRow,
  DriverTransaction,
  ExecuteResult,
  TransactionHandle,
} from '../../src/providers/database-driver.js';
import type { DtdeProvider } from '../../src/providers/provider.js';
import type { Dialect } from '../../src/sql/dialect.js';

/** One statement a driver was asked to run, with the connection it was meant for. */
export interface RecordedStatement {
  readonly sql: string;
  readonly parameters: DriverParameters;
  readonly connection: ConnectionRef | null;
}

/** What a recording driver answers: rows for a query, a row count for a statement. */
export interface Answers {
  rows?(sql: string, connection: ConnectionRef | null): readonly DriverRow[];
  rowsAffected?(sql: string): number;
}

/**
 * A driver that runs nothing: it records every statement the engine sends (queries, DDL, writes,
 * the commit protocol, inside transactions or not) and answers from `answers` (no rows and one
 * affected row by default, so per-entity updates and deletes find their row). With a dialect it
 * makes a provider whose output can be checked without a server.
 */
export class RecordingDriver implements DatabaseDriver {
  readonly name = 'recording';
  readonly statements: RecordedStatement[] = [];

  constructor(private readonly answers: Answers = {}) {}

  query(connection: ConnectionRef | null, sql: string, parameters: DriverParameters = []): AsyncIterable<DriverRow> {
    const rows = (): readonly DriverRow[] => {
      this.statements.push({ sql, parameters, connection });
      return this.answers.rows?.(sql, connection) ?? [];
    };
    return {
      async *[Symbol.asyncIterator]() {
        for (const row of rows()) yield { ...row };
      },
    };
  }

  async execute(connection: ConnectionRef | null, sql: string, parameters: DriverParameters = []): Promise<ExecuteResult> {
    this.statements.push({ sql, parameters, connection });
    return { rowsAffected: this.answers.rowsAffected?.(sql) ?? 1 };
  }

  async transaction<T>(connection: ConnectionRef | null, fn: (tx: TransactionHandle) => Promise<T>): Promise<T> {
    return fn(await this.beginTransaction(connection));
  }

  async beginTransaction(connection: ConnectionRef | null): Promise<DriverTransaction> {
    let state: DriverTransaction['state'] = 'active';
    return {
      get state() {
        return state;
      },
      query: (sql, parameters) => this.query(connection, sql, parameters),
      execute: (sql, parameters) => this.execute(connection, sql, parameters),
      commit: async () => {
        state = 'committed';
      },
      rollback: async () => {
        if (state === 'active') state = 'rolledBack';
      },
    };
  }

  poolSize(): number {
    return 64;
  }

  async ensureDatabase(): Promise<void> {}

  async deleteDatabase(): Promise<void> {}

  async close(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {}
}

/** A provider over `dialect` whose driver records instead of running; databases are told apart by their connection's JSON. */
export function recordingProvider(dialect: Dialect, answers?: Answers): DtdeProvider & { readonly driver: RecordingDriver } {
  const driver = new RecordingDriver(answers);
  return { dialect, driver, databaseId: (connection) => (connection === null ? 'own' : JSON.stringify(connection)) };
}
