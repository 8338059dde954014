import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asQueryable, DtdeContext, type DtdeError, type ModelBuilder, mssql, postgres, sqlite } from 'dtde';
import { configureCustomer, Customer } from '../support/shop-model.js';

// An error must point at the user's own code, as Prisma's "invalid invocation in file:line" does:
// the top frame of its stack is the line that called the operator or the terminal, and the
// message names that line. Translation errors are thrown when the query is built (sync); a
// DtdeShardError and other errors of a terminal come later, from inside the engine (async).

class ShopContext extends DtdeContext {
  customers = this.set(Customer);
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, configureCustomer);
  }
}

let dir: string;
let ctx: ShopContext;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dtde-call-site-'));
  // No ensureCreated: every query fails in the shard with DtdeShardError (no such table).
  ctx = new ShopContext({ provider: sqlite({ file: join(dir, 'shop.db') }), shards: (s) => s.addShards('EU', 'US') });
});
afterAll(async () => {
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `file:line` of the line after the one that calls `nextLine()` (where the call under test is). */
function nextLine(): string {
  const [file, line] = splitLocation(frameLocation(new Error().stack!.split('\n')[2]!));
  return `${file}:${Number(line) + 1}`;
}

function splitLocation(location: string): [string, string] {
  const at = location.lastIndexOf(':');
  return [location.slice(0, at), location.slice(at + 1)];
}

/** `file:line` of a stack line `    at fn (file:line:col)` or `    at file:line:col`. */
function frameLocation(frame: string): string {
  const at = /\((.*):(\d+):\d+\)$/.exec(frame) ?? /at (.*):(\d+):\d+$/.exec(frame);
  if (at === null) throw new Error(`not a stack frame: ${frame}`);
  return `${at[1]}:${at[2]}`;
}

function topFrame(error: unknown): string {
  const frames = (error as Error).stack!.split('\n').filter((l) => l.startsWith('    at '));
  return frameLocation(frames[0]!);
}

function syncError(action: () => unknown): DtdeError {
  try {
    action();
  } catch (error) {
    return error as DtdeError;
  }
  throw new Error('expected the action to throw');
}

async function asyncError(action: () => Promise<unknown>): Promise<DtdeError> {
  try {
    await action();
  } catch (error) {
    return error as DtdeError;
  }
  throw new Error('expected the action to reject');
}

describe("errors point at the user's line", () => {
  it('a translation error of an operator: top frame and message name the line of .where()', () => {
    const min = 3;
    const line = nextLine();
    const error = syncError(() => ctx.customers.orderBy((c) => c.name).where((c) => c.score > min));
    expect(error.name).toBe('DtdeTranslationError');
    expect(topFrame(error)).toBe(line);
    expect(error.message).toContain(`In .where() at ${line}:`);
    expect(error.stack!.split('\n')[0]).toBe(`DtdeTranslationError: ${error.message.split('\n')[0]}`);
  });

  it("a translation error in a select, a group select, and a terminal's predicate", () => {
    const min = 3;
    let line = nextLine();
    let error = syncError(() => ctx.customers.select((c) => ({ big: c.score > min })));
    expect(topFrame(error)).toBe(line);
    line = nextLine();
    error = syncError(() => ctx.customers.groupBy((c) => c.region).select((g) => ({ n: g.count(), m: min })));
    expect(topFrame(error)).toBe(line);
    expect(error.message).toContain(`In .select() at ${line}:`);
    line = nextLine();
    error = syncError(() => ctx.customers.count((c) => c.score > min));
    expect(topFrame(error)).toBe(line);
  });

  it('a DtdeShardError of a terminal: the user frame is on top although the error comes from the engine', async () => {
    const line = nextLine();
    const error = await asyncError(() => ctx.customers.where((c) => c.region === 'EU').toArray());
    expect(error.name).toBe('DtdeShardError');
    expect(topFrame(error)).toBe(line);
    expect(error.message).toContain(`In .toArray() at ${line}:`);
    const countLine = nextLine();
    const counted = await asyncError(() => ctx.customers.count());
    expect(topFrame(counted)).toBe(countLine);
  });

  it('errors of for await and of a refused query shape planned at run time', async () => {
    let line = '';
    const streamed = await asyncError(async () => {
      line = nextLine();
      for await (const c of ctx.customers) void c;
    });
    expect(streamed.name).toBe('DtdeShardError');
    expect(topFrame(streamed)).toBe(line);
    // take() then where() is refused when the query is planned, inside the terminal.
    const refusedQuery = ctx.customers.take(5).where((c) => c.score > 1);
    const refusedLine = nextLine();
    const refused = await asyncError(() => refusedQuery.toArray());
    expect(refused.name).toBe('DtdeTranslationError');
    expect(topFrame(refused)).toBe(refusedLine);
  });

  it('in memory too: first() of nothing', async () => {
    const line = nextLine();
    const error = await asyncError(() => asQueryable<{ id: number }>([]).first());
    expect(error.name).toBe('DtdeInvalidOperationError');
    expect(topFrame(error)).toBe(line);
  });
});

// Configuration errors of the user's own calls: an entity class the model lacks, a wrong provider
// option, a wrong context option. Each names the option, what it must be and what came, and its
// stack starts at the line that made the call.
describe("configuration errors point at the user's line", () => {
  class Other {
    id = 0;
  }

  /** The stack's lines: the message's lines, then the first frame. */
  function expectMessageThenLine(error: DtdeError, message: string, label: string, line: string): void {
    expect(error.name).toBe('DtdeConfigurationError');
    expect(error.message.split(`\nIn ${label} at `)).toEqual([message, expect.stringMatching(new RegExp(`^${line}:\\d+$`))]);
    const stack = error.stack!.split('\n');
    expect(stack[0]).toBe(`DtdeConfigurationError: ${message}`);
    expect(stack[1]).toMatch(new RegExp(`^In ${label.replace(/[().]/g, '\\$&')} at ${line}:\\d+$`));
    expect(frameLocation(stack[2]!)).toBe(line);
  }

  it('ctx.set() of a class the model does not configure', () => {
    const line = nextLine();
    const error = syncError(() => ctx.set(Other));
    expectMessageThenLine(
      error,
      "Other is not an entity of ShopContext; configure it in onModelCreating with mb.entity(Other, e => { e.toTable('Name'); e.key(...); e.property(...); }).",
      '.set()',
      line,
    );
  });

  it('a wrong option of sqlite(), postgres() and mssql()', () => {
    let line = nextLine();
    let error = syncError(() => sqlite({ file: 5 as unknown as string }));
    expectMessageThenLine(
      error,
      "sqlite({ file }): file must be a path string such as './data/app.db'; got the number 5.",
      'sqlite()',
      line,
    );
    line = nextLine();
    error = syncError(() => sqlite({ file: ':memory:' }));
    expectMessageThenLine(
      error,
      `sqlite({ file }): file must be a path string such as './data/app.db' (in-memory and URI databases cannot be pooled); got the string ":memory:".`,
      'sqlite()',
      line,
    );
    line = nextLine();
    error = syncError(() => postgres({ database: 'shop', port: '5432' as unknown as number, pool: { max: 0 } }));
    expectMessageThenLine(
      error,
      'postgres({ port, pool }): port must be an integer from 1 to 65535; got the string "5432". pool.max must be an integer from 1 to 1000; got the number 0.',
      'postgres()',
      line,
    );
    line = nextLine();
    error = syncError(() => mssql({ database: 'shop', password: 42 as unknown as string, encrypt: 'yes' as unknown as boolean }));
    expectMessageThenLine(
      error,
      'mssql({ password, encrypt }): password must be a string of at most 128 characters; got a number. encrypt must be true, false or \'strict\'; got the string "yes".',
      'mssql()',
      line,
    );
    line = nextLine();
    error = syncError(() => sqlite({ file: 'a.db', readPoolSize: 8, bogus: 1 } as never));
    expectMessageThenLine(
      error,
      "sqlite({ bogus }): unknown option 'bogus'; the options are file, readPoolSize, busyTimeoutMs, acquireTimeoutMs, idleTimeoutMs, statementCacheSize, batchSize.",
      'sqlite()',
      line,
    );
  });

  it('a wrong context option, in the constructor of a subclass', () => {
    const provider = sqlite({ file: join(dir, 'options.db') });
    const maxParallelShards = '8' as unknown as number;
    const line = nextLine();
    const error = syncError(() => new ShopContext({ provider, shards: (s) => s.addShards('EU'), maxParallelShards }));
    expectMessageThenLine(
      error,
      'new ShopContext({ maxParallelShards }): maxParallelShards must be an integer >= 1; got the string "8".',
      'new ShopContext()',
      line,
    );
    expect((error as unknown as { path: string }).path).toBe('options.maxParallelShards');
  });
});
