import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../../src/errors/dtde-translation-error.js';
import type { ColumnType } from '../../../src/metadata/model.js';
import { findDialect } from '../../../src/providers/dialect-registry.js';
import { mssqlDialect } from '../../../src/providers/mssql/mssql-dialect.js';
import { postgresDialect } from '../../../src/providers/postgres/postgres-dialect.js';
import { postgres } from '../../../src/providers/postgres/postgres-provider.js';
import { sqliteDialect } from '../../../src/providers/sqlite/sqlite-dialect.js';
import { type CreateTableStatement, type SelectStatement, selectStatement, sql } from '../../../src/sql/sql-ast.js';
import { DtdeContext, type ModelBuilder } from '../../../src/index.js';
import { Customer, configureCustomer, configureShop, Order, REGIONS, shopShards } from '../../support/shop-model.js';
import {
  createDatabases,
  dropDatabases,
  freshDatabaseName,
  postgresServers,
  withClient,
  withDatabase,
} from '../../support/postgres-servers.js';

// The PostgreSQL dialect's text, beside SQLite's and SQL Server's for the same statements, then
// run on the server: every statement here must be accepted by PostgreSQL, and the values it binds
// must read back as the model's values.

const d = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

/** The shop with every shard in the context's database (orders in Orders_2023 … tables). */
class ShopContext extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);
  protected override onModelCreating(mb: ModelBuilder): void {
    configureShop(mb);
  }
}

describe('SELECT text in the three dialects', () => {
  // No I/O: the provider's URL names a server that does not exist.
  const ctx = new ShopContext({ provider: postgres('postgres://nobody:secret@127.0.0.1:1/nowhere'), shards: (s) => shopShards(s) });
  afterAll(() => ctx.close());

  it('a routed, paged query: double quotes, $n parameters cast to their model type, LIMIT/OFFSET, nulls first', () => {
    const q = ctx.customers
      .where((c, p) => c.region === p.r && c.createdAt >= p.from, { r: 'EU', from: d('2023-01-01') })
      .orderBy((c) => c.name)
      .skip(10)
      .take(5);
    const cols = ['id', 'region', 'name', 'email', 'createdAt', 'vip', 'score', 'rating'];
    const list = (quote: (s: string) => string) => cols.map((c) => `${quote('c')}.${quote(c)} AS ${quote(c)}`).join(', ');
    const dq = (s: string) => `"${s}"`;
    const text = {
      sqlite: q.toQueryString({ dialect: 'sqlite' }),
      mssql: q.toQueryString({ dialect: 'mssql' }),
      postgres: q.toQueryString({ dialect: 'postgres' }),
    };
    expect(text.sqlite).toBe(
      `-- shard EU ("Customers_EU")\nSELECT ${list(dq)} FROM "Customers_EU" AS "c" WHERE "c"."createdAt" >= ? ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 5 OFFSET 10;`,
    );
    // SQL Server's text is pinned by its own dialect's tests; here the part to compare with.
    expect(text.mssql).toContain('FROM [Customers_EU] AS [c] WHERE [c].[createdAt] >= @p0 ORDER BY [c].[name] ASC, [c].[id] ASC');
    expect(text.postgres).toBe(
      `-- shard EU ("Customers_EU")\nSELECT ${list(dq)} FROM "Customers_EU" AS "c" WHERE "c"."createdAt" >= $1::timestamptz ` +
        'ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT $2::int8 OFFSET $3::int8;',
    );
    // The context's own dialect is PostgreSQL's, so the default is the same text.
    expect(q.toQueryString()).toBe(q.toQueryString({ dialect: 'postgres' }));
    expect(q.explain().commands[0].parameters).toEqual(['2023-01-01T00:00:00.000Z', '5', '10']);
  });

  it('is registered by name, as SQLite and SQL Server are', () => {
    expect(findDialect('postgres')).toBe(postgresDialect);
  });

  it('a fan-out over date shards: each shard gets skip + take rows, descending keys put nulls last', () => {
    const q = ctx.orders
      .where((o) => o.note !== 'gift')
      .orderByDescending((o) => o.note)
      .skip(3)
      .take(4);
    expect(q.explain().commands.map((c) => c.sql)[0]).toBe(
      'SELECT "o"."id" AS "id", "o"."customerId" AS "customerId", "o"."orderDate" AS "orderDate", "o"."total" AS "total", "o"."status" AS "status", "o"."note" AS "note" ' +
        'FROM "Orders_2023" AS "o" WHERE "o"."note" <> $1::text OR "o"."note" IS NULL ORDER BY "o"."note" DESC NULLS LAST, "o"."id" ASC LIMIT $2::int8',
    );
  });

  it('JavaScript semantics where PostgreSQL built-ins differ', () => {
    const where = (build: (q: typeof ctx.customers) => { toQueryString(o?: { dialect?: string }): string }) =>
      build(ctx.customers)
        .toQueryString()
        .split('\n')[1]
        .replace(/^SELECT .* FROM "Customers_EU" AS "c" WHERE /, '')
        .replace(/;$/, '');
    const eu = { r: 'EU' };
    expect(where((q) => q.where((c, p) => c.region === p.r && c.name.toUpperCase() === 'ZOË', eu))).toBe(
      `(upper(("c"."name") COLLATE "und-x-icu") COLLATE "C") = $1::text`,
    );
    expect(where((q) => q.where((c, p) => c.region === p.r && c.name.trim().length > 3, eu))).toBe(
      `(char_length(btrim("c"."name", E'\\u0009\\u000A\\u000B\\u000C\\u000D\\u0020\\u00A0\\u1680\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006\\u2007\\u2008\\u2009\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF')) + ` +
        `char_length(regexp_replace(btrim("c"."name", E'\\u0009\\u000A\\u000B\\u000C\\u000D\\u0020\\u00A0\\u1680\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006\\u2007\\u2008\\u2009\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF'), E'[^\\\\U00010000-\\\\U0010FFFF]', '', 'g'))) > $1::int8`,
    );
    expect(where((q) => q.where((c, p) => c.region === p.r && c.score / 4 > 2 && c.score % 3 === 1, eu))).toBe(
      `CAST("c"."score" AS double precision) / NULLIF($1::int8, 0) > $2::int8 AND "c"."score" % NULLIF($3::int8, 0) = $4::int8`,
    );
    expect(where((q) => q.where((c, p) => c.region === p.r && Math.round(c.score / 2) === -1, eu))).toBe(
      `(CASE WHEN abs((CAST("c"."score" AS double precision) / NULLIF($1::int8, 0))::float8 - trunc((CAST("c"."score" AS double precision) / NULLIF($1::int8, 0))::float8)) = 0.5 ` +
        `THEN trunc((CAST("c"."score" AS double precision) / NULLIF($1::int8, 0))::float8) + sign((CAST("c"."score" AS double precision) / NULLIF($1::int8, 0))::float8) ` +
        `ELSE round((CAST("c"."score" AS double precision) / NULLIF($1::int8, 0))::float8) END) = $2::int8`,
    );
    // LIKE is case-sensitive in PostgreSQL; \, % and _ in the search text are escaped.
    expect(where((q) => q.where((c, p) => c.region === p.r && c.name.includes('50%_\\'), eu))).toBe(
      `"c"."name" LIKE $1::text ESCAPE E'\\\\'`,
    );
    expect(ctx.customers.where((c, p) => c.region === p.r && c.name.includes('50%_\\'), eu).explain().commands[0].parameters).toEqual([
      '%50\\%\\_\\\\%',
    ]);
    // Booleans: a boolean column tested for truth, and a predicate used as a value, meet as booleans.
    expect(where((q) => q.where((c, p) => c.region === p.r && c.vip === c.score > 10 && !c.vip, eu))).toBe(
      `"c"."vip" = CASE WHEN "c"."score" > $1::int8 THEN TRUE ELSE FALSE END AND "c"."vip" = '0'`,
    );
    // Dates: parts in UTC whatever the session's time zone; JavaScript months are 0-based.
    expect(where((q) => q.where((c, p) => c.region === p.r && c.createdAt.getUTCMonth() === 11, eu))).toBe(
      `CAST(EXTRACT(MONTH FROM ("c"."createdAt") AT TIME ZONE 'UTC') AS integer) - 1 = $1::int8`,
    );
    // Integer columns meet in 64 bits (a bigint 0 widens an integer, leaves a numeric or double as is);
    // a parameter operand is an int8 already.
    expect(where((q) => q.where((c, p) => c.region === p.r && c.score + c.score > -c.score && Math.abs(c.score) * 2 > 1, eu))).toBe(
      `(0::int8 + "c"."score") + "c"."score" > (0::int8 - "c"."score") AND abs(0::int8 + "c"."score") * $1::int8 > $2::int8`,
    );
  });

  it('a DISTINCT projection ordered by a computed value orders by its alias', () => {
    const q = ctx.customers
      .where((c) => c.region === 'US')
      .select((c) => ({ m: c.name, t: c.score * 2 }))
      .distinct()
      .orderBy((x) => x.t)
      .take(3);
    expect(q.toQueryString()).toBe(
      '-- shard US ("Customers_US")\n' +
        'SELECT DISTINCT "c"."name" AS "m", "c"."score" * $1::int8 AS "t" FROM "Customers_US" AS "c" ORDER BY "t" ASC NULLS FIRST, "m" ASC LIMIT $2::int8;',
    );
  });

  it('min and max compare any type, booleans included', () => {
    const text = (q: { explain(): { commands: readonly { sql: string }[] } }) => q.explain().commands[0].sql;
    expect(
      text(
        ctx.customers
          .where((c) => c.region === 'EU')
          .select((c) => c.vip)
          .distinct(),
      ),
    ).toContain('SELECT DISTINCT "c"."vip"');
    const max = ctx.customers
      .groupBy((c) => c.region)
      .select((g) => ({ r: g.key, v: g.max((c) => c.vip), s: g.max((c) => c.score * 2), f: g.min((c) => c.score > 3) }));
    expect(text(max)).toBe(
      'SELECT "c"."region" AS "__g0", (MAX(ARRAY["c"."vip"]) FILTER (WHERE "c"."vip" IS NOT NULL))[1] AS "__p0", MAX("c"."score" * $1::int8) AS "__p1", ' +
        'bool_and(CASE WHEN "c"."score" > $2::int8 THEN TRUE ELSE FALSE END) AS "__p2" FROM "Customers_EU" AS "c" GROUP BY "c"."region"',
    );
  });
});

describe('identifiers, DDL and values', () => {
  it('quotes identifiers, doubling quotes, and refuses names PostgreSQL would cut at 63 bytes', () => {
    expect(postgresDialect.quoteIdentifier('Or"ders')).toBe('"Or""ders"');
    expect(postgresDialect.quoteTable({ schema: 'sales', name: 'Orders_2024' })).toBe('"sales"."Orders_2024"');
    expect(postgresDialect.quoteIdentifier('x'.repeat(63))).toBe(`"${'x'.repeat(63)}"`);
    expect(() => postgresDialect.quoteIdentifier('x'.repeat(64))).toThrow(DtdeTranslationError);
    expect(() => postgresDialect.quoteIdentifier(`${'é'.repeat(32)}`)).toThrow(/longer than PostgreSQL's 63 bytes/);
  });

  const types: Record<string, ColumnType> = {
    id: { kind: 'int' },
    name: { kind: 'string', maxLength: 40 },
    note: { kind: 'string' },
    big: { kind: 'bigint' },
    price: { kind: 'decimal', precision: 12, scale: 4 },
    on: { kind: 'boolean' },
    at: { kind: 'dateTime' },
    key: { kind: 'uuid' },
  };
  const create: CreateTableStatement = {
    kind: 'createTable',
    table: { schema: 'sales', name: 'Orders_2024' },
    primaryKey: ['id'],
    columns: Object.entries(types).map(([name, type]) => ({ name, type, nullable: name !== 'id', generated: false })),
  };

  it('renders idempotent DDL: the schema when missing, typed columns, strings in code-point order', () => {
    const ddl = {
      sqlite: sqliteDialect.renderCreateTable({ ...create, table: { name: 'Orders_2024' } }).sql,
      mssql: mssqlDialect.renderCreateTable(create).sql,
      postgres: postgresDialect.renderCreateTable(create).sql,
    };
    expect(ddl.sqlite).toBe(
      'CREATE TABLE IF NOT EXISTS "Orders_2024" ("id" INTEGER NOT NULL, "name" TEXT, "note" TEXT, "big" INTEGER, "price" REAL, "on" INTEGER, "at" TEXT, "key" TEXT, PRIMARY KEY ("id"))',
    );
    // SQL Server's text is pinned by its own dialect's tests; here only its table part, for comparison.
    expect(ddl.mssql).toContain(
      "IF OBJECT_ID(N'[sales].[Orders_2024]', N'U') IS NULL CREATE TABLE [sales].[Orders_2024] ([id] int NOT NULL, [name] nvarchar(40) NULL, [note] nvarchar(max) NULL, [big] bigint NULL, [price] decimal(12,4) NULL, [on] bit NULL, [at] datetime2(7) NULL, [key] uniqueidentifier NULL",
    );
    expect(ddl.postgres).toBe(
      'CREATE SCHEMA IF NOT EXISTS "sales"; CREATE TABLE IF NOT EXISTS "sales"."Orders_2024" ("id" integer NOT NULL, "name" varchar(40) COLLATE "C", "note" text COLLATE "C", ' +
        '"big" bigint, "price" numeric(12,4), "on" boolean, "at" timestamptz, "key" uuid, PRIMARY KEY ("id"))',
    );
    expect(postgresDialect.renderDropTable({ kind: 'dropTable', table: create.table }).sql).toBe(
      'DROP TABLE IF EXISTS "sales"."Orders_2024"',
    );
    expect(
      postgresDialect.renderCreateTable({
        kind: 'createTable',
        table: { name: 'T' },
        primaryKey: ['id'],
        columns: [{ name: 'id', type: { kind: 'bigint' }, nullable: false, generated: true }],
      }).sql,
    ).toBe('CREATE TABLE IF NOT EXISTS "T" ("id" bigint GENERATED BY DEFAULT AS IDENTITY, PRIMARY KEY ("id"))');
  });

  it('converts values for binding and reading', () => {
    expect(postgresDialect.toDbValue(new Date('2024-02-29T23:59:59.999Z'), { kind: 'dateTime' })).toBe('2024-02-29T23:59:59.999Z');
    expect(postgresDialect.toDbValue(2n ** 63n - 1n, { kind: 'bigint' })).toBe('9223372036854775807');
    expect(() => postgresDialect.toDbValue(2n ** 63n, { kind: 'bigint' })).toThrow(/64-bit/);
    expect(postgresDialect.toDbValue(1e21, { kind: 'bigint' })).toBe('1000000000000000000000');
    expect(postgresDialect.toDbValue(0.1 + 0.2, { kind: 'float' })).toBe('0.30000000000000004');
    expect(postgresDialect.toDbValue(true, { kind: 'boolean' })).toBe(true);
    expect(() => postgresDialect.toDbValue(new Date(Date.UTC(-1, 0, 1)), { kind: 'dateTime' })).toThrow(/years 1 to 9999/);
    expect(postgresDialect.fromDbValue({ kind: 'decimal', precision: 12, scale: 2 }, '1234.50')).toBe(1234.5);
    expect(postgresDialect.fromDbValue({ kind: 'bigint' }, '-9223372036854775808')).toBe(-(2n ** 63n));
    expect(postgresDialect.fromDbValue({ kind: 'int' }, 7n)).toBe(7);
    expect(postgresDialect.fromDbValue({ kind: 'boolean' }, 1)).toBe(true);
    expect(postgresDialect.fromDbValue({ kind: 'uuid' }, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toBe(
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    );
    expect(postgresDialect.fromDbValue({ kind: 'dateTime' }, '2024-01-02T03:04:05.678Z')).toEqual(new Date('2024-01-02T03:04:05.678Z'));
  });

  it('orders float-typed fields, which PostgreSQL may return as exact numeric text, by value', () => {
    const compare = postgresDialect.orderComparer({ kind: 'float' })!;
    expect(postgresDialect.orderComparer({ kind: 'string' })).toBeUndefined();
    const texts = ['10.5', '9.75', '-2', '-10.25', '0.00', '100', '12345678901234567890.1', '12345678901234567890.09'];
    expect([...texts].sort(compare)).toEqual([
      '-10.25',
      '-2',
      '0.00',
      '9.75',
      '10.5',
      '100',
      '12345678901234567890.09',
      '12345678901234567890.1',
    ]);
    expect([2.5, -1, 0.1].sort(compare)).toEqual([-1, 0.1, 2.5]);
    expect(compare('1.50', '1.5')).toBe(0);
  });

  it('exposes its statement limits: 65535 parameters (the protocol counts them in 16 bits)', () => {
    expect([postgresDialect.maxParametersPerStatement, postgresDialect.maxRowsPerInsert]).toEqual([65535, 65535]);
  });

  describe('on the server', () => {
    let url: string;
    let database: string;
    beforeAll(async () => {
      const { main } = postgresServers();
      database = freshDatabaseName('dialect');
      await createDatabases(main, [database]);
      url = withDatabase(main, database);
    });
    afterAll(async () => {
      if (database !== undefined) await dropDatabases(postgresServers().main, [database]);
    });

    it('the DDL runs twice, and inserted values read back as the model values', async () => {
      const values = [
        {
          id: 1,
          name: 'Zoë',
          note: '😀',
          big: 2n ** 62n + 1n,
          price: 0.1 + 0.2,
          on: true,
          at: new Date('2024-02-29T23:59:59.999Z'),
          key: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        },
        { id: 2, name: null, note: null, big: 7n, price: 10, on: false, at: null, key: null },
      ];
      const columns = Object.keys(types);
      const insert = postgresDialect.renderInsert({
        kind: 'insert',
        table: create.table,
        columns,
        rows: values.map((v) => columns.map((c) => sql.param((v as Record<string, unknown>)[c], types[c]))),
      });
      expect(insert.sql).toBe(
        'INSERT INTO "sales"."Orders_2024" ("id", "name", "note", "big", "price", "on", "at", "key") VALUES ' +
          '($1::int8, $2::text, $3::text, $4::int8, $5::numeric, $6::boolean, $7::timestamptz, $8::uuid), ($9::int8, $10::text, $11::text, $12::int8, $13::numeric, $14::boolean, $15::timestamptz, $16::uuid)',
      );
      const back = await withClient(url, async (client) => {
        const ddl = postgresDialect.renderCreateTable(create).sql;
        await client.query(ddl);
        await client.query(ddl);
        await client.query(
          insert.sql,
          insert.parameters.map((p) => p.value),
        );
        const select: SelectStatement = selectStatement(
          { table: create.table, alias: 'o' },
          { orderBy: [{ expr: sql.column('o', 'id'), descending: false }] },
        );
        const rendered = postgresDialect.renderSelect(select);
        return (
          await client.query(
            rendered.sql,
            rendered.parameters.map((p) => p.value),
          )
        ).rows as Record<string, unknown>[];
      });
      const read = back.map((r) => Object.fromEntries(columns.map((c) => [c, postgresDialect.fromDbValue(types[c], r[c])])));
      // numeric(12,4) keeps 4 decimals: 0.30000000000000004 is stored as 0.3000.
      expect(read).toEqual([{ ...values[0], price: 0.3 }, values[1]]);
    });

    it('the column listing of ensureCreated finds the columns', async () => {
      const listing = postgresDialect.renderTableColumns(create.table);
      const names = await withClient(url, async (client) =>
        (
          await client.query(
            listing.sql,
            listing.parameters.map((p) => p.value),
          )
        ).rows.map((r) => r.name),
      );
      expect(names.sort()).toEqual(Object.keys(types).sort());
    });

    it('an ordering by columns that are never null is served by a plain index; a nullable one still puts nulls first', async () => {
      class Customers extends DtdeContext {
        customers = this.set(Customer);
        protected override onModelCreating(mb: ModelBuilder): void {
          mb.entity(Customer, (e) => configureCustomer(e));
        }
      }
      const ctx = new Customers({ provider: postgres(url), shards: (s) => s.addShards(...REGIONS) });
      try {
        await ctx.ensureCreated();
        const at = new Date('2024-01-01T00:00:00.000Z');
        const row = (id: number, name: string, email: string | null) =>
          Object.assign(new Customer(), { id, region: 'EU', name, email, createdAt: at, vip: false, score: id, rating: null });
        await ctx.bulkInsert(Customer, [row(1, 'b', 'x@e'), row(2, 'a', null), row(3, 'c', 'a@e'), row(4, 'a', null)]);
        const page = ctx.customers
          .where((c) => c.region === 'EU')
          .orderBy((c) => c.name)
          .take(2);
        const command = page.explain().commands[0]!;
        expect(command.sql).toContain('ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT');
        // With sorting priced out, the planner orders through the index if it can: no Sort node.
        const plan = await withClient(url, async (client) => {
          await client.query('CREATE INDEX ON "Customers_EU" ("name", "id")');
          await client.query('SET enable_sort = off');
          const explained = await client.query(`EXPLAIN ${command.sql}`, command.parameters as unknown[]);
          return explained.rows.map((r) => r['QUERY PLAN'] as string).join('\n');
        });
        expect(plan).toContain('Index Scan using');
        expect(plan).not.toContain('Sort');
        expect((await page.toArray()).map((c) => c.id)).toEqual([2, 4]);
        // email is nullable: the nulls come first, as in JavaScript's order and the evaluator's.
        const byEmail = ctx.customers.where((c) => c.region === 'EU').orderBy((c) => c.email);
        expect(byEmail.explain().commands[0]!.sql).toContain('ORDER BY "c"."email" ASC NULLS FIRST, "c"."id" ASC');
        expect((await byEmail.toArray()).map((c) => c.id)).toEqual([2, 4, 3, 1]);
        expect(
          (
            await ctx.customers
              .where((c) => c.region === 'EU')
              .orderByDescending((c) => c.email)
              .toArray()
          ).map((c) => c.id),
        ).toEqual([1, 3, 2, 4]);
      } finally {
        await ctx.close();
      }
    });
  });
});
