import { DtdeDatabaseError, type DatabaseErrorReason } from '../../errors/dtde-database-error.js';
import { DtdeError } from '../../errors/dtde-error.js';

export interface PostgresErrorContext {
  /** `postgres://host:port/database`, never with credentials. */
  readonly database: string;
  readonly sql?: string;
  /** Removed from every message, in case a server or network message quotes it. */
  readonly password?: string;
  /** The pool's size, for the message of a connection wait that timed out. */
  readonly poolMax?: number;
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
}

/** Node's network error codes that mean the server could not be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOENT']);

/**
 * Turns whatever `pg` threw into a `DtdeDatabaseError` naming the database (as
 * `postgres://host:port/database`, without credentials) with the SQLSTATE as `driverCode`
 * (`23505`, `57014`), or Node's network code (`ECONNREFUSED`) when the server was not reached.
 * dtde errors pass through unchanged.
 *
 * Reasons: `missing` for a database that does not exist (3D000); `constraint` for class 23;
 * `busy` for serialization failures, deadlocks and lock timeouts (40001, 40P01, 55P03);
 * `poolExhausted` when no pooled connection became free in time; `failed` for the rest.
 */
export function toPostgresDatabaseError(error: unknown, context: PostgresErrorContext): DtdeError {
  if (error instanceof DtdeError) return error;
  const { database, sql } = context;
  const code = errorCode(error);
  const sqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const redact = (text: string) => (context.password ? text.split(context.password).join('***') : text);
  const detail = redact(describe(error));
  const base = { database, sql, driverCode: code, cause: error };
  const make = (reason: DatabaseErrorReason, message: string) => new DtdeDatabaseError(redact(message), { ...base, reason });
  const withSql = sql === undefined ? '' : ` SQL: ${sql}`;

  if (sqlState === '3D000') {
    return make(
      'missing',
      `PostgreSQL database ${database} does not exist (${detail}). Create it with ctx.ensureCreated() (driver.ensureDatabase), or fix the shard's connection.`,
    );
  }
  if (sqlState?.startsWith('23')) {
    return make('constraint', `A constraint rejected a write to PostgreSQL database ${database}: ${detail}.`);
  }
  if (sqlState === '40001' || sqlState === '40P01' || sqlState === '55P03') {
    return make(
      'busy',
      `PostgreSQL database ${database} could not run the statement because of a concurrent transaction (${detail}, SQLSTATE ${sqlState}). Retry the transaction.${withSql}`,
    );
  }
  if (sqlState === '57014') {
    const timeout =
      /statement timeout/i.test(detail) && context.statementTimeoutMs
        ? ` after the statement timeout of ${context.statementTimeoutMs} ms; raise postgres({ statementTimeoutMs }) or narrow the query`
        : '';
    return make('failed', `PostgreSQL cancelled a statement on ${database}${timeout} (${detail}).${withSql}`);
  }
  if (sqlState === '28P01' || sqlState === '28000') {
    return make(
      'failed',
      `PostgreSQL refused the login to ${database}: ${detail}. Check the user and password of the provider or the shard connection.`,
    );
  }
  if (sqlState === '42P01') {
    return make(
      'failed',
      `PostgreSQL error on ${database}: ${detail}. Create the tables with ctx.ensureCreated(), or fix the table mapping.${withSql}`,
    );
  }
  if (sqlState?.startsWith('57P') || sqlState?.startsWith('08')) {
    return make('failed', `The PostgreSQL server of ${database} ended the connection (${detail}, SQLSTATE ${sqlState}).${withSql}`);
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return make(
      'failed',
      `Cannot reach the PostgreSQL server of ${database} (${code}): ${detail}. Check that the server runs and the host and port are right.`,
    );
  }
  if (/timeout exceeded when trying to connect/i.test(detail)) {
    return make(
      'poolExhausted',
      `No connection to PostgreSQL database ${database} became free or could be opened within ${context.connectTimeoutMs ?? '?'} ms ` +
        `(the pool holds ${context.poolMax ?? '?'}). Raise postgres({ pool: { max } }) or connectTimeoutMs, or lower maxParallelShards.`,
    );
  }
  if (/Connection terminated|connection.*(closed|ended)|ECONNRESET|EPIPE/i.test(detail) || code === 'ECONNRESET' || code === 'EPIPE') {
    return make('failed', `The connection to PostgreSQL database ${database} was lost: ${detail}.${withSql}`);
  }
  return make('failed', `PostgreSQL error on ${database}: ${detail}${sqlState ? ` (SQLSTATE ${sqlState})` : ''}.${withSql}`);
}

/** The SQLSTATE of a server error, or Node's error code of a network error. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The message, without a trailing full stop, plus the server's detail when it gives one. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = (error as { detail?: unknown }).detail;
  let text = error.message.replace(/\.+$/, '');
  // AggregateError (several addresses tried) has an empty message of its own.
  if (text === '' && error instanceof AggregateError) text = error.errors.map((e) => describe(e)).join('; ');
  return typeof detail === 'string' && detail !== '' ? `${text}; ${detail.replace(/\.+$/, '')}` : text;
}
