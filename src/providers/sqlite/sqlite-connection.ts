import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DriverParameters, DriverRow, ExecuteResult } from '../database-driver.js';
import { registerJsFunctions } from './sqlite-js-functions.js';
import { StatementCache, type StatementCacheStats } from './statement-cache.js';
import { toSqliteBindings } from './to-sqlite-bindings.js';
import { toSqliteDatabaseError } from './to-sqlite-database-error.js';

/**
 * How a connection is opened:
 * - `read`: read-only, and the file must exist, so a read never creates a missing shard file;
 * - `write`: read-write, the file must exist; sets WAL and foreign keys;
 * - `create`: as `write`, but creates the file and its folder (only `ensureDatabase` uses it).
 */
export type SqliteOpenMode = 'read' | 'write' | 'create';

export interface SqliteConnectionSettings {
  readonly busyTimeoutMs: number;
  readonly statementCacheSize: number;
  readonly stats: StatementCacheStats;
}

/** One better-sqlite3 connection to one file, with its prepared-statement cache. */
export class SqliteConnection {
  private readonly statements: StatementCache;

  private constructor(
    readonly db: Database.Database,
    readonly file: string,
    private readonly settings: SqliteConnectionSettings,
  ) {
    this.statements = new StatementCache(db, settings.statementCacheSize, settings.stats);
  }

  /** Opens `file`; failures (missing file, lock) are thrown as `DtdeDatabaseError` naming the file. */
  static open(file: string, mode: SqliteOpenMode, settings: SqliteConnectionSettings): SqliteConnection {
    let db: Database.Database | undefined;
    try {
      if (mode === 'create') mkdirSync(path.dirname(file), { recursive: true });
      db = new Database(file, {
        readonly: mode === 'read',
        fileMustExist: mode !== 'create',
        timeout: settings.busyTimeoutMs,
      });
      if (mode !== 'read') {
        // WAL lets the read pool keep reading while this connection writes. It is stored in
        // the file, so files created elsewhere are switched on their first write.
        db.pragma('journal_mode = WAL');
        db.pragma('foreign_keys = ON');
      }
      registerJsFunctions(db);
      return new SqliteConnection(db, file, settings);
    } catch (error) {
      db?.close();
      throw toSqliteDatabaseError(error, { file, busyTimeoutMs: settings.busyTimeoutMs });
    }
  }

  /** A prepared statement for `sql`, from the cache when possible. */
  prepare(sql: string): Database.Statement {
    try {
      return this.statements.prepare(sql);
    } catch (error) {
      throw this.error(error, sql);
    }
  }

  /** Runs a statement that returns no rows. */
  run(sql: string, parameters: DriverParameters): ExecuteResult {
    const statement = this.prepare(sql);
    try {
      const bindings = toSqliteBindings(parameters);
      const result = Array.isArray(bindings) ? statement.run(...bindings) : statement.run(bindings);
      return { rowsAffected: result.changes };
    } catch (error) {
      throw this.error(error, sql);
    }
  }

  /** Starts iterating a statement; the caller must end the iterator (`return()`) or drain it. */
  iterate(sql: string, parameters: DriverParameters, safeIntegers: boolean): Iterator<DriverRow> {
    const statement = this.prepare(sql);
    try {
      // Set on every use: the cached statement may have been used with the other setting.
      statement.safeIntegers(safeIntegers);
      const bindings = toSqliteBindings(parameters);
      const rows = Array.isArray(bindings) ? statement.iterate(...bindings) : statement.iterate(bindings);
      return rows as Iterator<DriverRow>;
    } catch (error) {
      throw this.error(error, sql);
    }
  }

  /** Every row of a statement at once. */
  all(sql: string, parameters: DriverParameters, safeIntegers: boolean): DriverRow[] {
    const statement = this.prepare(sql);
    try {
      statement.safeIntegers(safeIntegers);
      const bindings = toSqliteBindings(parameters);
      return (Array.isArray(bindings) ? statement.all(...bindings) : statement.all(bindings)) as DriverRow[];
    } catch (error) {
      throw this.error(error, sql);
    }
  }

  /** Wraps a better-sqlite3 error thrown while running `sql` on this connection. */
  error(error: unknown, sql?: string): Error {
    return toSqliteDatabaseError(error, { file: this.file, sql, busyTimeoutMs: this.settings.busyTimeoutMs });
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}
