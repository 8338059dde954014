import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DtdeDatabaseError } from '../../../src/errors/dtde-database-error.js';
import { postgresDialect } from '../../../src/providers/postgres/postgres-dialect.js';
import { createPostgresDriver, type PostgresDriver } from '../../../src/providers/postgres/postgres-driver.js';
import { selectStatement, sql } from '../../../src/sql/sql-ast.js';
import { eventually, openTestDatabase, type TestDatabase } from './postgres-test-database.js';

// The PostgreSQL driver's reads on a real server: cursor streaming with back-pressure, value
// types, errors, and cancellation that stops the statement on the server and gives the connection
// back to its pool ready for the next caller (checked in pg_stat_activity and the pool counters).

let db: TestDatabase;
let driver: PostgresDriver;

beforeAll(async () => {
  db = await openTestDatabase('stream');
  await db.query(
    `CREATE TABLE t (id int PRIMARY KEY, label text, n numeric(12,2), big bigint, at timestamptz, local timestamp, ok boolean, key uuid)`,
  );
  await db.query(
    `INSERT INTO t SELECT g, 'row ' || g, g / 4.0, g * 1000000000000, timestamptz '2024-01-01 00:00:00Z' + g * interval '1 second',
       timestamp '2024-01-01 00:00:00' + g * interval '1 second', g % 2 = 0, md5(g::text)::uuid FROM generate_series(1, 500) g`,
  );
  await db.query('CREATE SEQUENCE produced');
});
afterAll(async () => {
  await db?.drop();
});

function open(
  options: Parameters<typeof createPostgresDriver>[0] extends infer O ? Partial<Exclude<O, string>> : never = {},
): PostgresDriver {
  driver = createPostgresDriver({ url: db.url, applicationName: db.applicationName, pool: { max: 2 }, ...options });
  return driver;
}
afterEach(async () => {
  await driver?.close();
});

/** The pool holds every connection it opened again: none lent, none waited for, no stream open. */
function expectPoolsIdle(d: PostgresDriver): void {
  for (const [id, stats] of d.stats().databases) {
    expect({ id, leased: stats.leased, waiting: stats.waiting, openStreams: stats.openStreams, idle: stats.idle }).toEqual({
      id,
      leased: 0,
      waiting: 0,
      openStreams: 0,
      idle: stats.total,
    });
  }
}

describe('streaming', () => {
  it('reads batch by batch: the server computes only the rows asked for (back-pressure)', async () => {
    const d = open();
    const seen: number[] = [];
    // Each row the server produces draws a number from the sequence; a query that did not stream
    // would draw all million before the first row arrives.
    for await (const row of d.query(null, `SELECT nextval('produced') AS n FROM generate_series(1, 1000000)`, [], { batchSize: 10 })) {
      seen.push(Number(row.n));
      if (seen.length === 25) break;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const [{ last_value }] = await db.query<{ last_value: string }>('SELECT last_value FROM produced');
    expect(Number(last_value)).toBe(30); // three batches of 10
    expectPoolsIdle(d);
  });

  it('streams every row when read to the end, in batches, on one connection', async () => {
    const d = open({ batchSize: 7 });
    let count = 0;
    for await (const row of d.query(null, 'SELECT id FROM t WHERE id > $1 ORDER BY id', [100])) {
      expect(row.id).toBe(101 + count);
      count++;
    }
    expect(count).toBe(400);
    expect(d.stats().databases.get(d.databaseId(null))?.total).toBe(1);
    expectPoolsIdle(d);
  });

  it('nothing happens before the first next(), and an unread stream holds no connection', async () => {
    const d = open();
    d.query(null, 'SELECT 1');
    expect(await db.sessions()).toBe(0);
    expectPoolsIdle(d);
  });

  it('reads values as dtde expects them: numbers, exact numeric text, bigint on request, dates in UTC', async () => {
    const d = open();
    const read = async (safeIntegers: boolean) => {
      const rows: Record<string, unknown>[] = [];
      for await (const row of d.query(null, 'SELECT * FROM t WHERE id IN ($1, $2) ORDER BY id', [1, 2], { safeIntegers })) rows.push(row);
      return rows;
    };
    const [first] = await read(false);
    expect(first).toEqual({
      id: 1,
      label: 'row 1',
      n: '0.25',
      big: 1_000_000_000_000,
      at: new Date('2024-01-01T00:00:01Z'),
      local: new Date('2024-01-01T00:00:01Z'), // timestamp without time zone read as UTC
      ok: false,
      key: 'c4ca4238-a0b9-2382-0dcc-509a6f75849b',
    });
    const [, second] = await read(true);
    expect(second.big).toBe(2_000_000_000_000n);
    expect(second.id).toBe(2); // int4 is always exact as a number
    const rows: Record<string, unknown>[] = [];
    for await (const row of d.query(null, 'SELECT 9223372036854775807::int8 AS max, 12345678901234567890.123456789::numeric AS exact', [], {
      safeIntegers: true,
    }))
      rows.push(row);
    expect(rows).toEqual([{ max: 2n ** 63n - 1n, exact: '12345678901234567890.123456789' }]);
  });

  it('binds the dialect’s typed parameters as rendered', async () => {
    const d = open();
    const statement = selectStatement(
      { table: { name: 't' }, alias: 't' },
      {
        columns: [{ expr: sql.column('t', 'id'), alias: 'id' }],
        where: sql.and(
          sql.binary('>=', sql.column('t', 'at'), sql.param(new Date('2024-01-01T00:08:00Z'), { kind: 'dateTime' })),
          sql.column('t', 'ok'),
        ),
        orderBy: [{ expr: sql.column('t', 'id'), descending: true }],
        limit: 3,
      },
    );
    const rendered = postgresDialect.renderSelect(statement);
    const ids: unknown[] = [];
    for await (const row of d.query(null, rendered.sql, rendered.parameters)) ids.push(row.id);
    expect(ids).toEqual([500, 498, 496]);
  });

  it('refuses named parameters: PostgreSQL has only $1, $2…', () => {
    const d = open();
    expect(() => d.query(null, 'SELECT $1', { a: 1 })).toThrow(/positional/);
  });
});

describe('a small statement (maxRows within the batch) read whole, without a cursor', () => {
  it('gives the rows a cursor gives, with the connection back after each read', async () => {
    const d = open({ batchSize: 16, pool: { max: 1 } });
    const read = async (text: string, values: unknown[], maxRows?: number) => {
      const rows: unknown[] = [];
      for await (const row of d.query(null, text, values, { maxRows, safeIntegers: true })) rows.push(row);
      expectPoolsIdle(d);
      return rows;
    };
    for (const [text, values, maxRows] of [
      ['SELECT id, label, big, at FROM t WHERE id = $1', [7], 1],
      ['SELECT id, label, big, at FROM t WHERE id = $1', [7000], 1],
      ['SELECT id FROM t ORDER BY id LIMIT 16', [], 16],
      ['SELECT id FROM t ORDER BY id LIMIT 17', [], 17], // more than a batch: a cursor after all
    ] as const) {
      expect(await read(text, [...values], maxRows), text).toEqual(await read(text, [...values]));
    }
    // One connection served every read: each was back in the pool before the next.
    expect(d.stats().databases.get(d.databaseId(null))?.total).toBe(1);
  });

  it('fails as a cursor read does, and the connection serves the next statement', async () => {
    const d = open({ pool: { max: 1 } });
    const failure = async () => {
      try {
        for await (const row of d.query(null, 'SELECT 1 / $1::int AS x', [0], { maxRows: 1 })) void row;
      } catch (error) {
        return error as DtdeDatabaseError;
      }
      throw new Error('expected an error');
    };
    expect([(await failure()).driverCode, (await failure()).sql]).toEqual(['22012', 'SELECT 1 / $1::int AS x']);
    expectPoolsIdle(d);
    const rows: unknown[] = [];
    for await (const row of d.query(null, 'SELECT 2 AS x', [], { maxRows: 1 })) rows.push(row);
    expect(rows).toEqual([{ x: 2 }]);
  });

  it('aborting it while it runs cancels it on the server; the connection is reused after', async () => {
    const d = open({ pool: { max: 1 } });
    const controller = new AbortController();
    const reason = new Error('stop');
    const stream = d.query(null, 'SELECT pg_sleep(60)', [], { signal: controller.signal, maxRows: 1 })[Symbol.asyncIterator]();
    const pending = stream.next();
    await eventually(async () => (await db.activeStatements()).some((q) => q.includes('pg_sleep')), 'pg_sleep running');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(await db.activeStatements()).toEqual([]);
    expectPoolsIdle(d);
    const rows: unknown[] = [];
    for await (const row of d.query(null, 'SELECT 3 AS x', [], { maxRows: 1 })) rows.push(row);
    expect(rows).toEqual([{ x: 3 }]);
  });
});

describe('errors', () => {
  it('name the database, keep the SQL and carry the SQLSTATE', async () => {
    const d = open();
    const failure = async (text: string, values: unknown[] = []) => {
      try {
        for await (const row of d.query(null, text, values)) void row;
      } catch (error) {
        return error as DtdeDatabaseError;
      }
      throw new Error('expected an error');
    };
    const missingTable = await failure('SELECT * FROM nope');
    expect(missingTable).toBeInstanceOf(DtdeDatabaseError);
    expect([missingTable.reason, missingTable.driverCode, missingTable.sql, missingTable.database]).toEqual([
      'failed',
      '42P01',
      'SELECT * FROM nope',
      d.databaseId(null),
    ]);
    expect(missingTable.message).toMatch(/relation "nope" does not exist.*ensureCreated/);
    expect((await failure('SELEC 1')).driverCode).toBe('42601');
    expect((await failure('SELECT 1 / $1::int', [0])).driverCode).toBe('22012');
    const duplicate = (await d.execute(null, 'INSERT INTO t (id) VALUES ($1)', [1]).catch((e: unknown) => e)) as DtdeDatabaseError;
    expect([duplicate.reason, duplicate.driverCode]).toEqual(['constraint', '23505']);
    expectPoolsIdle(d);
  });

  it('a database that does not exist is reason missing (3D000)', async () => {
    const d = open();
    const error = (await d.execute({ database: `${db.name}_nope` }, 'SELECT 1').catch((e: unknown) => e)) as DtdeDatabaseError;
    expect([error.reason, error.driverCode]).toEqual(['missing', '3D000']);
    expect(error.message).toMatch(/does not exist.*ensureCreated/);
  });
});

describe('cancellation and timeouts', () => {
  async function runningStatements(): Promise<string[]> {
    return db.activeStatements();
  }

  it('aborting a running statement cancels it on the server; the connection is reused after', async () => {
    const d = open({ pool: { max: 1 } });
    const backend = async () => {
      for await (const row of d.query(null, 'SELECT pg_backend_pid() AS pid')) return row.pid;
    };
    const before = await backend();
    const controller = new AbortController();
    const reason = new Error('stop');
    const stream = d.query(null, 'SELECT pg_sleep(60)', [], { signal: controller.signal })[Symbol.asyncIterator]();
    const pending = stream.next();
    await eventually(async () => (await runningStatements()).some((q) => q.includes('pg_sleep')), 'pg_sleep running');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    // Rejected only after the server stopped the statement: nothing of it runs any more.
    expect(await runningStatements()).toEqual([]);
    expectPoolsIdle(d);
    // The same pooled connection (the same server backend) serves the next statement.
    expect(await backend()).toBe(before);
    expect(d.stats().databases.get(d.databaseId(null))?.total).toBe(1);
  });

  it('aborting between batches closes the cursor without a cancel; return() settles with the connection back', async () => {
    const d = open();
    const controller = new AbortController();
    const stream = d
      .query(null, 'SELECT g FROM generate_series(1, 100000) g', [], { signal: controller.signal, batchSize: 5 })
      [Symbol.asyncIterator]();
    expect((await stream.next()).value).toEqual({ g: 1 });
    controller.abort(new Error('enough'));
    await expect(stream.next()).rejects.toThrow('enough');
    await stream.return?.();
    expectPoolsIdle(d);
    const again = d.query(null, 'SELECT g FROM generate_series(1, 100000) g', [], { batchSize: 5 })[Symbol.asyncIterator]();
    await again.next();
    await again.return?.();
    expectPoolsIdle(d);
  });

  it('a stream ended while a slow later batch or its first batch runs cancels it; nothing is left running', async () => {
    // (Whether a quick later batch is waited for instead is in postgres-row-stream.test.ts.)
    const d = open({ pool: { max: 1 } });
    const cancels = () => d.stats().databases.get(d.databaseId(null))?.cancels ?? 0;
    // A later batch that takes long (each row of it sleeps) is cancelled after the short wait.
    const slow = d
      .query(null, 'SELECT g, pg_sleep(CASE WHEN g > 10 THEN 5 ELSE 0 END) AS s FROM generate_series(1, 20) g', [], { batchSize: 10 })
      [Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) await slow.next();
    const sleeping = slow.next();
    await eventually(async () => (await runningStatements()).some((q) => q.includes('pg_sleep')), 'the second batch running');
    await slow.return?.();
    await sleeping.catch(() => undefined);
    expect(cancels()).toBe(1);
    expect(await runningStatements()).toEqual([]);
    expectPoolsIdle(d);
    // And a first batch still running (the statement itself) is cancelled without waiting.
    const first = d.query(null, 'SELECT pg_sleep(60)')[Symbol.asyncIterator]();
    const started = first.next();
    await eventually(async () => (await runningStatements()).some((q) => q.includes('pg_sleep(60)')), 'pg_sleep running');
    await first.return?.();
    await started.catch(() => undefined);
    expect(cancels()).toBe(2);
    expectPoolsIdle(d);
  });

  it('a signal aborted before the first next() rejects without taking a connection', async () => {
    const d = open();
    const controller = new AbortController();
    controller.abort(new Error('early'));
    await expect(d.query(null, 'SELECT 1', [], { signal: controller.signal })[Symbol.asyncIterator]().next()).rejects.toThrow('early');
    expect(d.stats().databases.get(d.databaseId(null))?.total ?? 0).toBe(0);
  });

  it('aborting an execute cancels the statement (a long one, or one waiting for a lock)', async () => {
    const d = open();
    const controller = new AbortController();
    const running = d.execute(null, 'SELECT pg_sleep(60)', [], { signal: controller.signal });
    await eventually(async () => (await runningStatements()).length === 1, 'the execute running');
    controller.abort(new Error('stop execute'));
    await expect(running).rejects.toThrow('stop execute');
    expect(await runningStatements()).toEqual([]);
    expectPoolsIdle(d);
  });

  it('statementTimeoutMs makes PostgreSQL cancel a slow statement (SQLSTATE 57014); the pool stays usable', async () => {
    const d = open({ statementTimeoutMs: 300, pool: { max: 1 } });
    const backend = async () => {
      for await (const row of d.query(null, 'SELECT pg_backend_pid() AS pid')) return row.pid;
    };
    const before = await backend();
    const error = await (async () => {
      try {
        for await (const row of d.query(null, 'SELECT pg_sleep(30)')) void row;
      } catch (e) {
        return e as DtdeDatabaseError;
      }
      throw new Error('expected a timeout');
    })();
    expect([error.reason, error.driverCode]).toEqual(['failed', '57014']);
    expect(error.message).toMatch(/statement timeout of 300 ms/);
    expect(await runningStatements()).toEqual([]);
    expectPoolsIdle(d);
    expect(await d.execute(null, 'SELECT 1')).toEqual({ rowsAffected: 1 });
    expect(await backend()).toBe(before); // the connection was kept, not replaced
  });

  it('close() fails open streams with reason closed and stops their statements', async () => {
    const d = open();
    const stream = d.query(null, 'SELECT pg_sleep(60)')[Symbol.asyncIterator]();
    const pending = stream.next();
    await eventually(async () => (await runningStatements()).length === 1, 'pg_sleep running');
    await d.close();
    await expect(pending).rejects.toMatchObject({ reason: 'closed' });
    expect(await runningStatements()).toEqual([]);
    await eventually(async () => (await db.sessions()) === 0, 'every session closed');
    expect(() => d.query(null, 'SELECT 1')).toThrow(/closed/);
  });
});
