import { TimeoutError } from 'tarn';
import { type DatabaseErrorReason, DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import { DtdeError } from '../../errors/dtde-error.js';

export interface MssqlErrorContext {
  /** `mssql://host:port/database`, never with credentials. */
  readonly database: string;
  readonly sql?: string;
  /** Removed from the server's and driver's messages, in case one quotes it. */
  readonly password?: string;
  /** The pool's size, for the message of a connection wait that timed out. */
  readonly poolMax?: number;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/** SQL Server error numbers by what they mean to a dtde user. */
const CONSTRAINT = new Set([2627, 2601, 547, 515]);
const BUSY = new Set([1205, 1222, 3960, 3961]);
const MISSING_DATABASE = new Set([4060, 911]);
const LOGIN = new Set([18456, 18452, 18486, 18487, 18488]);

/** Node's network error codes that mean the server could not be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Turns whatever `mssql`/`tedious` threw into a `DtdeDatabaseError` naming the database (as
 * `mssql://host:port/database`, without credentials) with SQL Server's error number as
 * `driverCode` (`'2627'`, `'1205'`), or the driver's code (`ETIMEOUT`, `ESOCKET`, `ELOGIN`) when
 * the server sent none. dtde errors pass through unchanged.
 *
 * Reasons: `missing` for a database that does not exist or cannot be opened (4060, 911);
 * `constraint` for key, foreign-key, check and NOT NULL violations (2627, 2601, 547, 515); `busy`
 * for deadlocks, lock timeouts and snapshot conflicts (1205, 1222, 3960); `poolExhausted` when no
 * pooled connection became free in time; `failed` for the rest.
 *
 * @example
 * toMssqlDatabaseError(error, { database: 'mssql://db1:1433/shop', sql }).driverCode; // '2627'
 */
export function toMssqlDatabaseError(error: unknown, context: MssqlErrorContext): DtdeError {
  if (error instanceof DtdeError) return error;
  const { database, sql } = context;
  const number = errorNumber(error);
  const code = errorCode(error);
  const detail = redact(describe(error), context.password);
  const driverCode = number !== undefined ? String(number) : code;
  const base = { database, sql, driverCode, cause: error };
  const make = (reason: DatabaseErrorReason, message: string) => new DtdeDatabaseError(message, { ...base, reason });
  const withSql = sql === undefined ? '' : ` SQL: ${sql}`;
  const msg = number === undefined ? '' : ` (Msg ${number})`;

  if ((number !== undefined && MISSING_DATABASE.has(number)) || /Cannot open database/i.test(detail)) {
    return make(
      'missing',
      `SQL Server database ${database} does not exist or the login cannot open it (${detail}). ` +
        "Create it with ctx.ensureCreated() (driver.ensureDatabase), or fix the shard's connection.",
    );
  }
  if (number !== undefined && CONSTRAINT.has(number)) {
    return make('constraint', `A constraint rejected a write to SQL Server database ${database}: ${detail}${msg}.`);
  }
  if (number !== undefined && BUSY.has(number)) {
    return make(
      'busy',
      `SQL Server database ${database} could not run the statement because of a concurrent transaction (${detail}${msg}). Retry the transaction.${withSql}`,
    );
  }
  if ((number !== undefined && LOGIN.has(number)) || code === 'ELOGIN') {
    return make(
      'failed',
      `SQL Server refused the login to ${database}: ${detail}. Check the user and password of the provider or the shard connection, ` +
        'and that the database exists (SQL Server refuses a login to a missing database; ctx.ensureCreated() creates it).',
    );
  }
  if (number === 208) {
    return make(
      'failed',
      `SQL Server error on ${database}: ${detail}${msg}. Create the tables with ctx.ensureCreated(), or fix the table mapping.${withSql}`,
    );
  }
  if (number === 207) {
    return make(
      'failed',
      `SQL Server error on ${database}: ${detail}${msg}; the table was created from another version of the model. ` +
        `ctx.ensureCreated() compares existing tables with the model and names the columns that differ.${withSql}`,
    );
  }
  if (code === 'ETIMEOUT' && isRequestError(error)) {
    const limit = context.requestTimeoutMs
      ? ` after the request timeout of ${context.requestTimeoutMs} ms; raise mssql({ requestTimeoutMs }) or narrow the query`
      : '';
    return make('failed', `SQL Server cancelled a statement on ${database}${limit} (${detail}).${withSql}`);
  }
  if (code === 'ECANCEL') {
    return make('failed', `The statement on SQL Server database ${database} was cancelled (${detail}).${withSql}`);
  }
  if (isPoolTimeout(error)) {
    return make(
      'poolExhausted',
      `No connection to SQL Server database ${database} became free or could be opened within ${context.connectTimeoutMs ?? '?'} ms ` +
        `(the pool holds ${context.poolMax ?? '?'}). Raise mssql({ pool: { max } }) or connectTimeoutMs, or lower maxParallelShards.`,
    );
  }
  const network = networkCode(error);
  if (network !== undefined && UNREACHABLE.has(network)) {
    return make(
      'failed',
      `Cannot reach the SQL Server of ${database} (${network}): ${detail}. Check that the server runs and the server name and port are right.`,
    );
  }
  if (code === 'ETIMEOUT' || code === 'ESOCKET' || code === 'ECONNCLOSED' || code === 'EINSTLOOKUP') {
    return make('failed', `The connection to SQL Server database ${database} failed (${code}): ${detail}.${withSql}`);
  }
  return make('failed', `SQL Server error on ${database}: ${detail}${msg}.${withSql}`);
}

/**
 * `text` (a server's or the driver's message) with the password replaced by `***`, in case it is
 * quoted. Only passwords of four characters or more: a shorter one would also hit ordinary words,
 * and dtde's own text (names, SQL, which never holds values) cannot contain it.
 */
function redact(text: string, password: string | undefined): string {
  return password !== undefined && password.length >= 4 ? text.split(password).join('***') : text;
}

/** SQL Server's error number, wherever mssql and tedious put it. */
export function errorNumber(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 4; depth++) {
    const record = e as { number?: unknown; info?: { number?: unknown }; originalError?: unknown };
    if (typeof record.number === 'number') return record.number;
    if (typeof record.info?.number === 'number') return record.info.number;
    e = record.originalError;
  }
  return undefined;
}

/** The mssql/tedious error code (`EREQUEST`, `ETIMEOUT`, `ELOGIN`…). */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Node's network error code under the driver's wrapping (`ECONNREFUSED`), if any. */
function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
    const next = e as { originalError?: unknown; cause?: unknown; errors?: unknown[] };
    if (Array.isArray(next.errors)) {
      const inner = next.errors.map(networkCode).find((c) => c !== undefined);
      if (inner !== undefined) return inner;
    }
    e = next.originalError ?? next.cause;
  }
  return undefined;
}

function isRequestError(error: unknown): boolean {
  return error instanceof Error && error.name === 'RequestError';
}

/** tarn's acquire timeout (mssql lets it through, its message prefixed). */
function isPoolTimeout(error: unknown): boolean {
  return error instanceof TimeoutError || (error instanceof Error && /^Failed to acquire a connection from the pool/.test(error.message));
}

/** The message without a trailing full stop; several server messages joined. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let text = error.message.replace(/\.+$/, '');
  const preceding = (error as { precedingErrors?: unknown }).precedingErrors;
  if (Array.isArray(preceding) && preceding.length > 0) {
    text = [...preceding.map((e) => (e instanceof Error ? e.message.replace(/\.+$/, '') : String(e))), text].join('; ');
  }
  if (text === '' && error instanceof AggregateError) text = error.errors.map((e) => describe(e)).join('; ');
  return text;
}
