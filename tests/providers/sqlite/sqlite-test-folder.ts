import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { DriverRow } from '../../../src/providers/database-driver.js';
import { createSqliteDriver, type SqliteDriver } from '../../../src/providers/sqlite/sqlite-driver.js';
import type { SqliteOptions } from '../../../src/providers/sqlite/sqlite-options.js';

/**
 * A fresh temp folder per test with a driver whose own file is `main.db` inside it; both are
 * closed and removed after the test. Registers its own `afterEach`, so call it at file level.
 */
export function useSqliteFolder(): {
  folder(): string;
  driver(options?: Partial<SqliteOptions>): SqliteDriver;
} {
  let current: string | undefined;
  const drivers: SqliteDriver[] = [];
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((driver) => driver.close()));
    if (current !== undefined) rmSync(current, { recursive: true, force: true });
    current = undefined;
  });
  const folder = (): string => (current ??= mkdtempSync(path.join(tmpdir(), 'dtde-sqlite-')));
  return {
    folder,
    driver: (options = {}) => {
      const driver = createSqliteDriver({ file: path.join(folder(), 'main.db'), ...options });
      drivers.push(driver);
      return driver;
    },
  };
}

/** Creates `file` (outside the driver) with table `t(id INTEGER PRIMARY KEY, name TEXT)` holding ids 1..count. */
export function seedNumbers(file: string, count: number): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (id, name) VALUES (?, ?)');
    db.transaction(() => {
      for (let id = 1; id <= count; id++) insert.run(id, `n${id}`);
    })();
  } finally {
    db.close();
  }
}

export async function collect(rows: AsyncIterable<DriverRow>): Promise<DriverRow[]> {
  const out: DriverRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}
