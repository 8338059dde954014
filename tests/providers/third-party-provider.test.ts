import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
// The provider below is written against the two public entries only, as a third party would.
import { asQueryable, DtdeConfigurationError, DtdeContext, type ModelBuilder, type Queryable } from 'dtde';
import {
  escapeGlobPattern,
  matchPattern,
  registerDialect,
  RenderState,
  SqlRenderer,
  type ColumnType,
  type ConnectionRef,
  type CreateTableStatement,
  type DatabaseDriver,
  type DriverParameters,
  type DriverRow,
  type DriverTransaction,
  type DropTableStatement,
  type DtdeProvider,
  type ExecuteOptions,
  type ExecuteResult,
  type FunctionCallExpr,
  type ParamExpr,
  type QueryOptions,
  type RenderedSql,
  type SelectStatement,
  type SqlType,
  type StringMatchExpr,
  type TableName,
  type TransactionHandle,
  type TypedParameter,
} from 'dtde/provider';
import { configureCustomer, Customer, REGIONS } from '../support/shop-model.js';

// A tiny provider, "tiny": a dialect extending the public renderer base and a driver over one
// in-memory better-sqlite3 database, enough for a real DtdeContext to create tables, load rows and
// answer sharded queries. It proves the `dtde/provider` contract is sufficient to add an engine.

class TinyDialect extends SqlRenderer {
  readonly name = 'tiny';
  readonly parameterStyle = 'positional' as const;
  readonly maxParametersPerStatement = 999;
  readonly maxRowsPerInsert = 500;
  protected readonly concatOperator = '||';

  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  columnType(type: ColumnType): string {
    switch (type.kind) {
      case 'int':
      case 'bigint':
      case 'boolean':
        return 'INTEGER';
      case 'decimal':
        return 'REAL';
      case 'string':
      case 'dateTime':
      case 'uuid':
        return 'TEXT';
    }
  }

  renderSelect(statement: SelectStatement): RenderedSql {
    const state = new RenderState();
    const count = (value: number) => this.placeholder({ kind: 'param', value, type: { kind: 'bigint' } }, state);
    let sql = `SELECT ${statement.distinct ? 'DISTINCT ' : ''}${this.selectBody(statement, state, [])}`;
    if (statement.limit !== null || statement.offset !== null) {
      sql += ` LIMIT ${statement.limit === null ? '-1' : count(statement.limit)}`;
      if (statement.offset !== null) sql += ` OFFSET ${count(statement.offset)}`;
    }
    return { sql, parameters: state.parameters };
  }

  renderCreateTable(statement: CreateTableStatement): RenderedSql {
    const column = (c: CreateTableStatement['columns'][number]) =>
      `${this.quoteIdentifier(c.name)} ${this.columnType(c.type)}${c.nullable ? '' : ' NOT NULL'}`;
    const columns = statement.columns.map(column);
    columns.push(`PRIMARY KEY (${statement.primaryKey.map((k) => this.quoteIdentifier(k)).join(', ')})`);
    return { sql: `CREATE TABLE IF NOT EXISTS ${this.quoteTable(statement.table)} (${columns.join(', ')})`, parameters: [] };
  }

  renderDropTable(statement: DropTableStatement): RenderedSql {
    return { sql: `DROP TABLE IF EXISTS ${this.quoteTable(statement.table)}`, parameters: [] };
  }

  /** SQLite has no information_schema: sqlite_master lists the tables (a write's recovery check reads it). */
  override renderTableNames(): RenderedSql {
    return { sql: `SELECT "name" FROM sqlite_master WHERE "type" = 'table'`, parameters: [] };
  }

  /** SQLite has no information_schema; its table_info pragma lists the columns. */
  override renderTableColumns(table: TableName): RenderedSql {
    const state = new RenderState();
    const name = this.placeholder({ kind: 'param', value: table.name, type: { kind: 'string' } }, state);
    return { sql: `SELECT "name" FROM pragma_table_info(${name})`, parameters: state.parameters };
  }

  toDbValue(value: unknown, type: SqlType | null): unknown {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'number' && (type?.kind === 'int' || type?.kind === 'bigint') && Number.isSafeInteger(value)) return BigInt(value);
    return value;
  }

  fromDbValue(type: ColumnType, raw: unknown): unknown {
    if (raw === null || raw === undefined) return null;
    switch (type.kind) {
      case 'int':
      case 'decimal':
        return Number(raw);
      case 'bigint':
        return BigInt(raw as number | bigint);
      case 'boolean':
        return Number(raw) !== 0;
      case 'dateTime':
        return new Date(raw as string);
      case 'string':
      case 'uuid':
        return String(raw);
    }
  }

  protected placeholder(param: ParamExpr, state: RenderState): string {
    const value = this.toDbValue(param.value, param.type);
    state.parameters.push({ name: String(state.parameters.length + 1), value, sqlType: param.type === null ? 'ANY' : param.type.kind });
    return '?';
  }

  protected renderFunction(node: FunctionCallExpr, args: readonly string[]): string {
    const list = args.join(', ');
    const distinct = node.distinct ? 'DISTINCT ' : '';
    switch (node.name) {
      case 'count':
      case 'count_big':
        return args.length === 0 ? 'COUNT(*)' : `COUNT(${distinct}${list})`;
      case 'sum':
      case 'sum_bigint':
        return `SUM(${distinct}${list})`;
      case 'min':
      case 'max':
        return `${node.name.toUpperCase()}(${distinct}${list})`;
      case 'least':
        return `min(${list})`;
      case 'greatest':
        return `max(${list})`;
      case 'year':
        return `CAST(strftime('%Y', ${list}) AS INTEGER)`;
      case 'month':
        return `CAST(strftime('%m', ${list}) AS INTEGER)`;
      case 'day':
        return `CAST(strftime('%d', ${list}) AS INTEGER)`;
      case 'fmod':
        return `(${args[0]} % ${args[1]})`;
      case 'lower':
      case 'upper':
      case 'trim':
      case 'length':
      case 'abs':
      case 'round':
      case 'floor':
      case 'ceil':
        return `${node.name}(${list})`;
    }
  }

  protected renderStringMatch(node: StringMatchExpr, operand: string, state: RenderState): string {
    const pattern = matchPattern(node, escapeGlobPattern, '*');
    return `${operand} GLOB ${this.placeholder({ kind: 'param', value: pattern, type: { kind: 'string' } }, state)}`;
  }

  protected renderDivision(left: string, right: string): string {
    return `CAST(${left} AS REAL) / ${right}`;
  }
}

const tinyDialect = new TinyDialect();
registerDialect(tinyDialect);

/** What better-sqlite3 binds, from any of the three parameter forms a driver is given. */
function bindings(parameters: DriverParameters): readonly unknown[] | Readonly<Record<string, unknown>> {
  if (!isList(parameters)) return parameters;
  return parameters.map((p) => (isTyped(p) ? p.value : p));
}
const isList = (parameters: DriverParameters): parameters is readonly unknown[] => Array.isArray(parameters);
const isTyped = (value: unknown): value is TypedParameter => typeof value === 'object' && value !== null && 'sqlType' in value;

/** One in-memory database; every shard is a table in it. Rows are read whole, then yielded. */
class TinyDriver implements DatabaseDriver {
  readonly name = 'tiny';
  #db: Database.Database | null = new Database(':memory:');
  /** Transactions run one after another. */
  #writer: Promise<unknown> = Promise.resolve();

  query(
    connection: ConnectionRef | null,
    sql: string,
    parameters: DriverParameters = [],
    options: QueryOptions = {},
  ): AsyncIterable<DriverRow> {
    const statement = this.#open(connection)
      .prepare(sql)
      .safeIntegers(options.safeIntegers ?? false);
    const values = bindings(parameters);
    return (async function* () {
      options.signal?.throwIfAborted();
      yield* statement.all(values) as DriverRow[];
    })();
  }

  async execute(
    connection: ConnectionRef | null,
    sql: string,
    parameters: DriverParameters = [],
    options: ExecuteOptions = {},
  ): Promise<ExecuteResult> {
    options.signal?.throwIfAborted();
    return { rowsAffected: this.#open(connection).prepare(sql).run(bindings(parameters)).changes };
  }

  async transaction<T>(connection: ConnectionRef | null, fn: (tx: TransactionHandle) => Promise<T>): Promise<T> {
    const tx = await this.beginTransaction(connection);
    try {
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (error) {
      await tx.rollback();
      throw error;
    }
  }

  async beginTransaction(connection: ConnectionRef | null): Promise<DriverTransaction> {
    const db = this.#open(connection);
    let release!: () => void;
    const turn = this.#writer;
    this.#writer = new Promise<void>((resolve) => (release = resolve));
    await turn;
    db.exec('BEGIN');
    let state: DriverTransaction['state'] = 'active';
    const end = (sql: string, next: DriverTransaction['state']) => {
      if (state !== 'active') return;
      db.exec(sql);
      state = next;
      release();
    };
    return {
      get state() {
        return state;
      },
      query: (sql, parameters, options) => this.query(connection, sql, parameters, options),
      execute: (sql, parameters, options) => this.execute(connection, sql, parameters, options),
      commit: async () => end('COMMIT', 'committed'),
      rollback: async () => end('ROLLBACK', 'rolledBack'),
    };
  }

  poolSize(): number {
    return 8;
  }

  async ensureDatabase(connection: ConnectionRef | null): Promise<void> {
    this.#open(connection);
  }

  async deleteDatabase(connection: ConnectionRef | null): Promise<void> {
    this.#open(connection).close();
    this.#db = new Database(':memory:');
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #open(connection: ConnectionRef | null): Database.Database {
    if (connection !== null) {
      throw new DtdeConfigurationError('The tiny provider has one database: declare shards without a connection.', {
        path: 'shard connection',
      });
    }
    if (this.#db === null) throw new DtdeConfigurationError('The tiny driver is closed; create a new context.');
    return this.#db;
  }
}

/** The provider factory a user calls: `new ShopContext({ provider: tiny() })`. */
function tiny(): DtdeProvider {
  const driver = new TinyDriver();
  return {
    dialect: tinyDialect,
    driver,
    databaseId: (connection) => {
      if (connection !== null) throw new DtdeConfigurationError('The tiny provider has one database: declare shards without a connection.');
      return 'tiny:memory';
    },
  };
}

class TinyShop extends DtdeContext {
  customers = this.set(Customer);

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, configureCustomer);
  }
}

const NAMES = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Radia', 'Alan'];

/** 60 customers over the three regions, names repeated so the key tie-breaker matters. */
function customers(): Customer[] {
  return Array.from({ length: 60 }, (_, i) =>
    Object.assign(new Customer(), {
      id: i + 1,
      region: REGIONS[i % REGIONS.length],
      name: NAMES[(i * 3) % NAMES.length],
      email: i % 4 === 0 ? null : `c${i + 1}@example.com`,
      createdAt: new Date(Date.UTC(2024, 0, 1 + i)),
      vip: i % 5 === 0,
      score: (i * 37) % 100,
      rating: i % 3 === 0 ? null : i % 5,
    }),
  );
}

const contexts: DtdeContext[] = [];
afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.close();
});

async function openTinyShop(): Promise<{ ctx: TinyShop; rows: Customer[] }> {
  const ctx = new TinyShop({ provider: tiny(), shards: (s) => s.addShards(...REGIONS), maxParallelShards: 3 });
  contexts.push(ctx);
  await ctx.ensureCreated();
  const rows = customers();
  expect(await ctx.bulkInsert(Customer, rows)).toEqual({ rowsInserted: 60, perShard: { EU: 20, US: 20, APAC: 20 } });
  return { ctx, rows };
}

describe('a third-party provider written against dtde/provider', () => {
  it('runs a fanned-out ordered page end to end, equal to the in-memory answer', async () => {
    const { ctx, rows } = await openTinyShop();
    const page = (q: Queryable<Customer>) =>
      q
        .where((c, p) => c.score >= p.min && c.email !== null, { min: 20 })
        .orderBy((c) => c.name)
        .thenByDescending((c) => c.createdAt)
        .skip(3)
        .take(7);

    const answer = await page(ctx.customers).toArray();
    expect(answer).toHaveLength(7);
    expect(answer).toEqual(await page(asQueryable(rows)).toArray());
    expect(answer[0]).toBeInstanceOf(Customer);
    expect(answer[0]!.createdAt).toBeInstanceOf(Date);
    expect(typeof answer[0]!.vip).toBe('boolean');
  });

  it('routes by the shard key, aggregates across shards and groups, as the in-memory evaluator does', async () => {
    const { ctx, rows } = await openTinyShop();
    const memory = asQueryable(rows);

    const routed = ctx.customers.where((c, p) => c.region === p.region, { region: 'US' });
    expect(routed.explain().commands.map((c) => c.shardId)).toEqual(['US']);
    expect(await routed.count()).toBe(await memory.where((c) => c.region === 'US').count());

    expect(await ctx.customers.sum((c) => c.score)).toBe(await memory.sum((c) => c.score));
    const startsWithA = (q: Queryable<Customer>) => q.where((c) => c.name.startsWith('A')).count();
    expect(await startsWithA(ctx.customers)).toBe(await startsWithA(memory));

    const byRegion = (q: Queryable<Customer>) =>
      q
        .groupBy((c) => c.region)
        .select((g) => ({ region: g.key, n: g.count(), best: g.max((c) => c.score) }))
        .orderBy((r) => r.region);
    expect(await byRegion(ctx.customers).toArray()).toEqual(await byRegion(memory).toArray());
  });

  it('is known by name to toQueryString once registered, on a context of any provider', async () => {
    const { ctx } = await openTinyShop();
    const query = ctx.customers.where((c) => c.region === 'EU').take(2);
    expect(query.toQueryString()).toBe(
      '-- shard EU ("Customers_EU")\n' +
        'SELECT "c"."id" AS "id", "c"."region" AS "region", "c"."name" AS "name", "c"."email" AS "email", ' +
        '"c"."createdAt" AS "createdAt", "c"."vip" AS "vip", "c"."score" AS "score", "c"."rating" AS "rating" ' +
        'FROM "Customers_EU" AS "c" ORDER BY "c"."id" ASC LIMIT ?;',
    );
    expect(query.explain().dialect).toBe('tiny');
    // The built-in dialects are registered too, and a Dialect object needs no registration.
    expect(query.toQueryString({ dialect: 'mssql' })).toContain('SELECT TOP (@p0) [c].[id] AS [id]');
    expect(query.toQueryString({ dialect: tinyDialect })).toBe(query.toQueryString({ dialect: 'tiny' }));
  });

  it('refuses an unknown dialect name with the known ones, and a second dialect under a taken name', async () => {
    const { ctx } = await openTinyShop();
    const error = (() => {
      try {
        ctx.customers.toQueryString({ dialect: 'oracle' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DtdeConfigurationError);
    // Every registered name, sorted: the built-in ones and this file's.
    expect((error as Error).message).toMatch(
      /^Unknown dialect 'oracle'; the known dialects are ('[a-z]+', )*'mssql', ('[a-z]+', )*'sqlite', 'tiny'\./,
    );
    expect(() => registerDialect(new TinyDialect())).toThrow("A different dialect is already registered as 'tiny'");
    expect(() => registerDialect(tinyDialect)).not.toThrow(); // the same one again is fine
  });
});
