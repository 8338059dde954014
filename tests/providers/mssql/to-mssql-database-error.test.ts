import sql from 'mssql';
import { TimeoutError } from 'tarn';
import { describe, expect, it } from 'vitest';
import { DtdeDatabaseError, DtdeRoutingError } from '../../../src/index.js';
import { toMssqlDatabaseError } from '../../../src/providers/mssql/to-mssql-database-error.js';

const database = 'mssql://db1:1433/shop';
const password = 'Sup3r-S3cret!';
const context = { database, sql: 'SELECT 1', password, poolMax: 7, connectTimeoutMs: 1500, requestTimeoutMs: 2500 };

/** A server error as mssql reports it: a RequestError over the server's message and its number. */
function serverError(number: number, message: string): sql.RequestError {
  const raw = Object.assign(new Error(message), { info: { number, state: 1, class: 16, lineNumber: 1, serverName: 'db1', procName: '' } });
  return new sql.RequestError(raw as unknown as string, 'EREQUEST');
}

function mapped(error: unknown, ctx: Parameters<typeof toMssqlDatabaseError>[1] = context): DtdeDatabaseError {
  const result = toMssqlDatabaseError(error, ctx);
  expect(result).toBeInstanceOf(DtdeDatabaseError);
  return result as DtdeDatabaseError;
}

describe('SQL Server errors as DtdeDatabaseError', () => {
  it("keeps SQL Server's error number as driverCode and sorts the numbers into reasons", () => {
    const cases: [number, string, DtdeDatabaseError['reason'], RegExp][] = [
      [
        2627,
        "Violation of PRIMARY KEY constraint 'PK_Orders'. Cannot insert duplicate key",
        'constraint',
        /A constraint rejected a write to SQL Server database mssql:\/\/db1:1433\/shop: Violation of PRIMARY KEY/,
      ],
      [2601, 'Cannot insert duplicate key row in object', 'constraint', /constraint rejected/],
      [547, 'The INSERT statement conflicted with the FOREIGN KEY constraint', 'constraint', /constraint rejected/],
      [515, "Cannot insert the value NULL into column 'name'", 'constraint', /constraint rejected/],
      [
        1205,
        'Transaction (Process ID 52) was deadlocked on lock resources',
        'busy',
        /because of a concurrent transaction .*Msg 1205.*Retry the transaction/,
      ],
      [1222, 'Lock request time out period exceeded', 'busy', /Retry the transaction/],
      [
        4060,
        'Cannot open database "shop" requested by the login. The login failed',
        'missing',
        /does not exist or the login cannot open it.*ctx\.ensureCreated\(\)/,
      ],
      [
        208,
        "Invalid object name 'Orders_2031'",
        'failed',
        /Invalid object name 'Orders_2031' \(Msg 208\)\. Create the tables with ctx\.ensureCreated\(\)/,
      ],
      [207, "Invalid column name 'rating'", 'failed', /another version of the model/],
      [
        102,
        "Incorrect syntax near 'LIMIT'",
        'failed',
        /SQL Server error on mssql:\/\/db1:1433\/shop: Incorrect syntax near 'LIMIT' \(Msg 102\)\. SQL: SELECT 1/,
      ],
    ];
    for (const [number, message, reason, text] of cases) {
      const error = mapped(serverError(number, message));
      expect({ number, reason: error.reason, driverCode: error.driverCode }).toEqual({ number, reason, driverCode: String(number) });
      expect(error.message).toMatch(text);
      expect(error.database).toBe(database);
      expect(error.sql).toBe('SELECT 1');
    }
  });

  it('maps the driver-side failures: login, timeouts, cancel, a full pool, an unreachable server', () => {
    const login = mapped(new sql.ConnectionError("Login failed for user 'app'.", 'ELOGIN'));
    expect(login).toMatchObject({ reason: 'failed', driverCode: 'ELOGIN' });
    expect(login.message).toMatch(/SQL Server refused the login to mssql:\/\/db1:1433\/shop: .*Check the user and password/);
    const timeout = mapped(new sql.RequestError('Timeout: Request failed to complete in 2500ms', 'ETIMEOUT'));
    expect(timeout.message).toMatch(
      /SQL Server cancelled a statement on mssql:\/\/db1:1433\/shop after the request timeout of 2500 ms; raise mssql\(\{ requestTimeoutMs \}\)/,
    );
    expect(mapped(new sql.RequestError('Canceled.', 'ECANCEL')).message).toMatch(/was cancelled/);
    const pool = new TimeoutError('operation timed out for an unknown reason');
    pool.message = `Failed to acquire a connection from the pool: ${pool.message}`;
    const full = mapped(pool);
    expect(full.reason).toBe('poolExhausted');
    expect(full.message).toMatch(
      /became free or could be opened within 1500 ms \(the pool holds 7\)\. Raise mssql\(\{ pool: \{ max \} \}\)/,
    );
    const refused = new sql.ConnectionError(
      Object.assign(new Error('Failed to connect to db1:1433 - connect ECONNREFUSED'), {
        code: 'ESOCKET',
        cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:1433'), { code: 'ECONNREFUSED' }),
      }) as unknown as string,
    );
    const unreachable = mapped(refused);
    expect(unreachable.message).toMatch(/^Cannot reach the SQL Server of mssql:\/\/db1:1433\/shop \(ECONNREFUSED\)/);
    expect(unreachable.driverCode).toBe('ESOCKET');
  });

  it('never shows the password, even when a message quotes it', () => {
    const echoed = mapped(serverError(18456, `Login failed for user 'app' (password '${password}')`));
    expect(echoed.message).not.toContain(password);
    expect(echoed.message).toContain('***');
  });

  it('joins the messages of a batch that failed several times, and passes dtde errors through', () => {
    const last = serverError(3621, 'The statement has been terminated');
    Object.assign(last, { precedingErrors: [serverError(2627, 'Violation of UNIQUE KEY constraint')] });
    expect(mapped(last).message).toMatch(/Violation of UNIQUE KEY constraint; The statement has been terminated/);
    const routing = new DtdeRoutingError('no shard', { entity: 'Order', keyValue: 1, availableShards: [] });
    expect(toMssqlDatabaseError(routing, context)).toBe(routing);
  });
});
