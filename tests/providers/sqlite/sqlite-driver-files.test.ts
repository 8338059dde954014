import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../../src/errors/dtde-configuration-error.js';
import { DtdeDatabaseError } from '../../../src/errors/dtde-database-error.js';
import { createSqliteDriver } from '../../../src/providers/sqlite/sqlite-driver.js';
import { collect, seedNumbers, useSqliteFolder } from './sqlite-test-folder.js';

const sqlite = useSqliteFolder();

describe('SqliteDriver database files', () => {
  it('fails a read of a missing shard file with an error naming the file, without creating it', async () => {
    const driver = sqlite.driver();
    const missing = path.join(sqlite.folder(), 'eu.db');
    const error = await collect(driver.query({ file: 'eu.db' }, 'SELECT 1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeDatabaseError);
    expect(error).toMatchObject({ reason: 'missing', database: missing, driverCode: 'SQLITE_CANTOPEN' });
    expect((error as Error).message).toContain(`"${missing}" does not exist`);
    expect(existsSync(missing)).toBe(false);
    await driver.ensureDatabase({ file: 'eu.db' });
    expect(await collect(driver.query({ file: 'eu.db' }, 'SELECT 1 AS one'))).toEqual([{ one: 1 }]);
  });

  it('fails a write to a missing file too: only ensureDatabase creates files', async () => {
    const driver = sqlite.driver();
    const error = await driver.execute({ file: 'eu.db' }, 'CREATE TABLE x (id INTEGER)').catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'missing' });
    expect(existsSync(path.join(sqlite.folder(), 'eu.db'))).toBe(false);
  });

  it('ensureDatabase creates the file and its folder in WAL mode, idempotently', async () => {
    const driver = sqlite.driver();
    const ref = { file: 'shards/2024/orders.db' };
    const file = path.join(sqlite.folder(), 'shards', '2024', 'orders.db');
    expect(driver.filePath(ref)).toBe(file);
    await driver.ensureDatabase(ref);
    await driver.ensureDatabase(ref);
    expect(existsSync(file)).toBe(true);
    await driver.execute(ref, 'CREATE TABLE o (id INTEGER PRIMARY KEY)');
    await driver.execute(ref, 'INSERT INTO o (id) VALUES (?), (?)', [1, 2]);
    expect(await collect(driver.query(ref, 'PRAGMA journal_mode'))).toEqual([{ journal_mode: 'wal' }]);
    expect(await collect(driver.query(ref, 'SELECT count(*) AS c FROM o'))).toEqual([{ c: 2 }]);
  });

  it('switches an existing rollback-journal file to WAL on its first write and turns foreign keys on', async () => {
    const file = path.join(sqlite.folder(), 'legacy.db');
    new Database(file).exec('CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id))').close();
    const driver = sqlite.driver();
    const error = await driver.execute({ file: 'legacy.db' }, 'INSERT INTO c (p) VALUES (?)', [42]).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'constraint', driverCode: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(await collect(driver.query({ file: 'legacy.db' }, 'PRAGMA journal_mode'))).toEqual([{ journal_mode: 'wal' }]);
  });

  it('resolves absolute shard paths as given and keeps one set of connections per distinct file', async () => {
    const driver = sqlite.driver();
    const absolute = path.join(sqlite.folder(), 'abs.db');
    await driver.ensureDatabase({ file: absolute });
    await driver.ensureDatabase({ file: 'abs.db' });
    await driver.ensureDatabase(null);
    expect([...driver.stats().files.keys()].sort()).toEqual([absolute, path.join(sqlite.folder(), 'main.db')].sort());
  });

  it('deleteDatabase closes the connections and removes the file with its -wal and -shm', async () => {
    const driver = sqlite.driver();
    await driver.ensureDatabase({ file: 'eu.db' });
    await driver.execute({ file: 'eu.db' }, 'CREATE TABLE t (id INTEGER)');
    await collect(driver.query({ file: 'eu.db' }, 'SELECT * FROM t'));
    expect(readdirSync(sqlite.folder()).sort()).toEqual(['eu.db', 'eu.db-shm', 'eu.db-wal']);
    await driver.deleteDatabase({ file: 'eu.db' });
    expect(readdirSync(sqlite.folder())).toEqual([]);
    await driver.deleteDatabase({ file: 'eu.db' }); // missing: not an error
    await driver.ensureDatabase({ file: 'eu.db' });
    expect(await collect(driver.query({ file: 'eu.db' }, "SELECT name FROM sqlite_master WHERE type = 'table'"))).toEqual([]);
  });

  it('surfaces a database locked by another process as a busy error after the busy timeout', async () => {
    const file = path.join(sqlite.folder(), 'main.db');
    seedNumbers(file, 3);
    // Another "process": exclusive locking mode keeps even WAL readers out until it commits.
    const other = new Database(file);
    try {
      other.pragma('locking_mode = EXCLUSIVE');
      other.exec("BEGIN EXCLUSIVE; INSERT INTO t (id, name) VALUES (100, 'x')");
      const driver = sqlite.driver({ busyTimeoutMs: 30 });
      const readError = await collect(driver.query(null, 'SELECT count(*) AS c FROM t')).catch((e: unknown) => e);
      expect(readError).toBeInstanceOf(DtdeDatabaseError);
      expect(readError).toMatchObject({ reason: 'busy', database: file, driverCode: 'SQLITE_BUSY' });
      expect((readError as Error).message).toContain(file);
      expect(driver.stats().files.get(file)).toMatchObject({ used: 0, openStreams: 0 });
      const writeError = await driver.execute(null, 'DELETE FROM t').catch((e: unknown) => e);
      expect(writeError).toMatchObject({ reason: 'busy', database: file });
      other.exec('COMMIT');
      other.close();
      expect(await collect(driver.query(null, 'SELECT count(*) AS c FROM t'))).toEqual([{ c: 4 }]);
    } finally {
      if (other.open) other.close();
    }
  });

  it('surfaces a writer lock held by another connection as busy for execute and transactions', async () => {
    const file = path.join(sqlite.folder(), 'main.db');
    seedNumbers(file, 3);
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const driver = sqlite.driver({ busyTimeoutMs: 20 });
      await expect(driver.execute(null, 'DELETE FROM t')).rejects.toMatchObject({ reason: 'busy' });
      await expect(driver.transaction(null, async () => 1)).rejects.toMatchObject({ reason: 'busy' });
      // Readers are not blocked by a writer in WAL mode.
      expect(await collect(driver.query(null, 'SELECT count(*) AS c FROM t'))).toEqual([{ c: 3 }]);
      other.exec('ROLLBACK');
      expect(await driver.execute(null, 'DELETE FROM t WHERE id = ?', [1])).toEqual({ rowsAffected: 1 });
    } finally {
      other.close();
    }
  });

  it('reports the read pool size for any valid connection and rejects invalid ones', () => {
    const driver = sqlite.driver({ readPoolSize: 3 });
    expect(driver.poolSize(null)).toBe(3);
    expect(driver.poolSize({ file: 'eu.db' })).toBe(3);
    expect(sqlite.driver().poolSize(null)).toBe(8);
    expect(() => driver.poolSize({ filename: 'eu.db' })).toThrow(DtdeConfigurationError);
    expect(() => driver.poolSize({ file: ':memory:' })).toThrow(/in-memory/);
  });

  it('validates its options with a message naming the option', () => {
    const folder = sqlite.folder();
    expect(() => createSqliteDriver({ file: path.join(folder, 'a.db'), readPoolSize: 0 })).toThrow(DtdeConfigurationError);
    try {
      createSqliteDriver({ file: path.join(folder, 'a.db'), busyTimeoutMs: -1 });
    } catch (error) {
      expect(error).toMatchObject({ path: 'sqlite options.busyTimeoutMs' });
    }
    expect(() => createSqliteDriver({ file: '' })).toThrow(DtdeConfigurationError);
  });

  it('close ends open streams, rolls back open transactions, and leaves the files deletable', async () => {
    const file = path.join(sqlite.folder(), 'main.db');
    seedNumbers(file, 1000);
    const driver = sqlite.driver();
    await driver.ensureDatabase({ file: 'eu.db' });
    const open = driver.query(null, 'SELECT id FROM t', [], { batchSize: 10 })[Symbol.asyncIterator]();
    await open.next();
    const tx = await driver.beginTransaction(null);
    await tx.execute('DELETE FROM t');

    await driver.close();
    await driver.close(); // idempotent

    await expect(open.next()).rejects.toMatchObject({ reason: 'closed' });
    expect(tx.state).toBe('rolledBack');
    await expect(driver.execute(null, 'SELECT 1')).rejects.toMatchObject({ reason: 'closed' });
    expect(() => driver.query(null, 'SELECT 1')).toThrow(DtdeDatabaseError);
    expect(driver.stats().files.size).toBe(0);

    // Nothing holds the files: another connection can take an exclusive lock, and they can be removed.
    const check = new Database(file, { timeout: 0 });
    check.exec('BEGIN EXCLUSIVE');
    expect(check.prepare('SELECT count(*) AS c FROM t').get()).toEqual({ c: 1000 });
    check.exec('COMMIT');
    check.close();
    for (const name of readdirSync(sqlite.folder())) rmSync(path.join(sqlite.folder(), name));
    expect(readdirSync(sqlite.folder())).toEqual([]);
  });

  it('supports await using', async () => {
    const file = path.join(sqlite.folder(), 'main.db');
    seedNumbers(file, 2);
    let rows: unknown[];
    {
      await using driver = createSqliteDriver({ file });
      rows = await collect(driver.query(null, 'SELECT id FROM t'));
    }
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
