import { z } from 'zod';
import { DtdeConfigurationError } from '../../errors/dtde-configuration-error.js';
import { optionsError } from '../../errors/options-error.js';
import type { ConnectionRef } from '../../metadata/model.js';

/**
 * TLS settings passed to Node's `tls.connect` (a subset). `true` is `{}`: encrypted, and the
 * server certificate checked against the system's CAs.
 */
export interface PostgresTlsOptions {
  /** Default true: refuse a server certificate the CAs do not vouch for. */
  readonly rejectUnauthorized?: boolean;
  /** PEM text of the CA certificate(s) to trust instead of the system's. */
  readonly ca?: string;
  /** PEM text of a client certificate and its key, for certificate authentication. */
  readonly cert?: string;
  readonly key?: string;
  /** The name the certificate must carry, when it differs from `host`. */
  readonly servername?: string;
}

/** How the connections to one database are pooled. */
export interface PostgresPoolOptions {
  /** Connections kept open when idle; default 0. */
  readonly min?: number;
  /**
   * Most connections per database, 1 to 1000; default 10. A merge keeps one stream open per shard,
   * so this bounds how many shards of one database stream at once (`maxParallelShards` is checked
   * against it).
   */
  readonly max?: number;
  /** Milliseconds after which an idle connection above `min` is closed; default 10000. */
  readonly idleTimeoutMs?: number;
}

/**
 * Options of `postgres(...)`: a connection URL, or the same parts as fields, or both (the fields
 * override the URL's parts). `postgres()` validates them and throws `DtdeConfigurationError` naming
 * a bad one; its messages never show the password.
 *
 * @example
 * ```ts
 * postgres('postgres://app:secret@db1:5432/shop');
 * postgres({ host: 'db1', database: 'shop', user: 'app', password: process.env.PGPASSWORD, pool: { max: 16 } });
 * postgres({ url: process.env.DATABASE_URL, statementTimeoutMs: 30_000 });
 * ```
 */
export interface PostgresOptions {
  /**
   * `postgres://user:password@host:port/database` (or `postgresql://`); `?sslmode=require`
   * (or `verify-full`, `disable`) and `?host=/var/run/postgresql` (a Unix socket folder) are read.
   */
  readonly url?: string;
  /** Host name, IP address or Unix socket folder; default `localhost`. */
  readonly host?: string;
  /** Default 5432. */
  readonly port?: number;
  /** The context's own database. Required, here or in `url`. */
  readonly database?: string;
  /** Default: the `PGUSER` environment variable, else the operating-system user (as `psql`). */
  readonly user?: string;
  /** Default: the `PGPASSWORD` environment variable, or none. */
  readonly password?: string;
  /** Encrypt the connection: `true`, or TLS settings. Default false. */
  readonly ssl?: boolean | PostgresTlsOptions;
  readonly pool?: PostgresPoolOptions;
  /**
   * Milliseconds to open a connection, and to wait for a free pooled one, before failing; default
   * 10000.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Server-side `statement_timeout` of every connection: PostgreSQL cancels a statement running
   * longer (SQLSTATE 57014). Default 0, no limit; a context's `queryTimeoutMs` also cancels.
   */
  readonly statementTimeoutMs?: number;
  /** Rows fetched per cursor round trip when streaming; default 256. */
  readonly batchSize?: number;
  /** Shown in `pg_stat_activity.application_name`; default `dtde`. */
  readonly applicationName?: string;
  /**
   * The database `ensureDatabase` and `deleteDatabase` connect to for `CREATE DATABASE` and
   * `DROP DATABASE`; default `postgres`.
   */
  readonly maintenanceDatabase?: string;
}

const positiveInt = z.int().min(1);
const tlsSchema = z.strictObject({
  rejectUnauthorized: z.boolean().optional(),
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  servername: z.string().optional(),
});
const sslSchema = z.union([z.boolean(), tlsSchema]);

/** The parts of a server address and login, as options or a shard connection give them. */
const endpointShape = {
  url: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  port: z.int().min(1).max(65535).optional(),
  database: z.string().min(1).max(63).optional(),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  ssl: sslSchema.optional(),
};

/**
 * How `PostgresOptions` are validated, with their defaults. Kept in step with the interface by
 * tests/providers/postgres/postgres-options.test.ts.
 */
export const postgresOptionsSchema = z.strictObject({
  ...endpointShape,
  pool: z
    .strictObject({
      min: z.int().min(0).max(1000).default(0),
      max: positiveInt.max(1000).default(10),
      idleTimeoutMs: positiveInt.default(10_000),
    })
    .default({ min: 0, max: 10, idleTimeoutMs: 10_000 }),
  connectTimeoutMs: positiveInt.default(10_000),
  statementTimeoutMs: z.int().min(0).default(0),
  batchSize: positiveInt.default(256),
  applicationName: z.string().max(63).default('dtde'),
  maintenanceDatabase: z.string().min(1).max(63).default('postgres'),
});

/**
 * A shard's `ConnectionRef` for PostgreSQL: `{ database: 'shop_2024' }` on the context's server,
 * `{ url: 'postgres://db2:5432/shop' }` or `{ host: 'db2', database: 'shop' }` on another one.
 * Parts left out (host, port, user, password, ssl) are the context's own.
 */
export const postgresConnectionSchema = z.strictObject(endpointShape);

/** One server and database, and how to log in: a pool is kept per distinct endpoint. */
export interface PostgresEndpoint {
  /** Host name, IP address, or a Unix socket folder (starts with `/`). */
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly ssl: false | PostgresTlsOptions;
}

export type ResolvedPostgresOptions = Omit<z.output<typeof postgresOptionsSchema>, keyof typeof endpointShape> & {
  /** The context's own database. */
  readonly endpoint: PostgresEndpoint;
};

const URL_EXAMPLE = "a URL string such as 'postgres://user:password@host:5432/shop'";
const MILLISECONDS = 'an integer >= 1 (milliseconds)';
const TEXT = 'a string';

/** What each option must be, in the words of an error message (`port must be <this>; got …`). */
const PHRASES: Readonly<
  Record<'' | keyof PostgresOptions | `pool.${keyof PostgresPoolOptions}` | `ssl.${keyof PostgresTlsOptions}`, string>
> = {
  '': `${URL_EXAMPLE} or an object such as { host: 'db1', database: 'shop', user: 'app', password }`,
  url: URL_EXAMPLE,
  host: 'a host name, IP address or Unix socket folder (a non-empty string)',
  port: 'an integer from 1 to 65535',
  database: 'a database name of 1 to 63 characters',
  user: 'a non-empty string',
  password: TEXT,
  ssl: "true, false or TLS settings such as { rejectUnauthorized: true, ca: '-----BEGIN CERTIFICATE-----…' }",
  'ssl.rejectUnauthorized': 'true or false',
  'ssl.ca': 'PEM text',
  'ssl.cert': 'PEM text',
  'ssl.key': 'PEM text',
  'ssl.servername': TEXT,
  pool: 'an object such as { min: 0, max: 10, idleTimeoutMs: 10000 }',
  'pool.min': 'an integer from 0 to 1000',
  'pool.max': 'an integer from 1 to 1000',
  'pool.idleTimeoutMs': MILLISECONDS,
  connectTimeoutMs: MILLISECONDS,
  statementTimeoutMs: 'an integer >= 0 (milliseconds; 0 is no limit)',
  batchSize: 'an integer >= 1',
  applicationName: 'a string of at most 63 characters',
  maintenanceDatabase: 'a database name of 1 to 63 characters',
};

/** Validates `postgres()` options (a URL or an object); throws `DtdeConfigurationError` naming the bad option. */
export function parsePostgresOptions(input: unknown): ResolvedPostgresOptions {
  const options = typeof input === 'string' ? { url: input } : input;
  const result = postgresOptionsSchema.safeParse(options);
  if (!result.success) throw optionsError('postgres', options, result.error, PHRASES, 'postgres options');
  const { url, host, port, database, user, password, ssl, ...settings } = result.data;
  const endpoint = resolveEndpoint({ url, host, port, database, user, password, ssl }, null, 'postgres() options');
  return { ...settings, endpoint };
}

/**
 * The endpoint a shard connection names: its own parts over the context's (`base`). Throws
 * `DtdeConfigurationError` for anything but the documented shapes.
 */
export function resolvePostgresConnection(connection: ConnectionRef | null, base: PostgresEndpoint): PostgresEndpoint {
  if (connection === null) return base;
  const result = postgresConnectionSchema.safeParse(connection);
  if (!result.success) {
    throw new DtdeConfigurationError(
      `Invalid PostgreSQL shard connection (keys ${
        Object.keys(connection)
          .map((k) => `'${k}'`)
          .join(', ') || 'none'
      }): ` +
        `${z.prettifyError(result.error)}. A PostgreSQL shard names its database: addShard('EU', { database: 'shop_eu' }), ` +
        `or another server: { url: 'postgres://host:5432/shop_eu' } or { host, port, database, user, password }.`,
      { path: 'shard connection' },
    );
  }
  return resolveEndpoint(result.data, base, 'shard connection');
}

/**
 * A stable name of the database an endpoint reaches, without credentials:
 * `postgres://host:port/database`. Two spellings of one database (`{ database: 'a' }` and
 * `{ url: 'postgres://localhost:5432/a' }` on a context at localhost) give the same id.
 */
export function postgresDatabaseId(endpoint: PostgresEndpoint): string {
  const host = endpoint.host.startsWith('/') ? encodeURIComponent(endpoint.host) : endpoint.host.toLowerCase();
  return `postgres://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${endpoint.port}/${endpoint.database}`;
}

type EndpointInput = z.output<typeof postgresConnectionSchema>;

function resolveEndpoint(input: EndpointInput, base: PostgresEndpoint | null, what: string): PostgresEndpoint {
  const fromUrl = input.url === undefined ? {} : parsePostgresUrl(input.url, what);
  const pick = <K extends keyof PostgresEndpoint>(key: K, own: PostgresEndpoint[K] | undefined): PostgresEndpoint[K] | undefined =>
    own !== undefined
      ? own
      : (fromUrl as Partial<PostgresEndpoint>)[key] !== undefined
        ? (fromUrl as Partial<PostgresEndpoint>)[key]
        : base?.[key];
  const database = pick('database', input.database);
  if (database === undefined) {
    throw new DtdeConfigurationError(
      `${what}: no database given; name one in the URL (postgres://host:5432/shop) or as { database: 'shop' }.`,
      { path: what },
    );
  }
  const ssl = input.ssl ?? (fromUrl as Partial<PostgresEndpoint>).ssl;
  const ownHost = input.host !== undefined || (fromUrl as Partial<PostgresEndpoint>).host !== undefined;
  const endpoint = {
    host: pick('host', input.host) ?? 'localhost',
    // Another host means another server: its port is its own (5432 unless given), not the context's.
    port: ownHost ? (input.port ?? (fromUrl as Partial<PostgresEndpoint>).port ?? 5432) : (pick('port', input.port) ?? 5432),
    database,
    user: pick('user', input.user) ?? process.env.PGUSER ?? undefined,
  };
  const tls = ssl === undefined ? (base?.ssl ?? false) : ssl === true ? {} : ssl === false ? false : hideSecret({ ...ssl }, 'key');
  // Secrets are not enumerable, so logging or serialising the provider (console.log(ctx)) shows none.
  return Object.freeze(
    hideSecret({ ...endpoint, password: pick('password', input.password) ?? process.env.PGPASSWORD ?? undefined, ssl: tls }, 'password'),
  );
}

/** `value` with its property `key` made non-enumerable (still readable), when it has one. */
function hideSecret<T extends object>(value: T, key: string): T {
  if (key in value) Object.defineProperty(value, key, { enumerable: false });
  return value;
}

const NO_HOST = 'dtde-no-host.invalid';

/** The parts of a `postgres://` URL. Errors show the URL with its credentials replaced by `***`. */
export function parsePostgresUrl(text: string, what = 'url'): Partial<PostgresEndpoint> {
  let url: URL;
  // libpq allows an empty host (`postgres://user@/db?host=/socket/dir`); WHATWG URLs do not.
  const emptyHost = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(?=[/?#]|$)/i.exec(text);
  const hostless = emptyHost === null ? text : `${emptyHost[0]}${NO_HOST}${text.slice(emptyHost[0].length)}`;
  try {
    url = new URL(hostless);
  } catch {
    throw urlError(text, what, 'it is not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw urlError(text, what, `the scheme must be postgres:// or postgresql://, not ${url.protocol}//`);
  }
  const parts: { -readonly [K in keyof PostgresEndpoint]?: PostgresEndpoint[K] } = {};
  const decode = (s: string) => decodeURIComponent(s);
  if (url.hostname !== '' && url.hostname !== NO_HOST) parts.host = decode(url.hostname).replace(/^\[(.*)\]$/, '$1');
  if (url.port !== '') parts.port = Number(url.port);
  const database = decode(url.pathname.replace(/^\//, ''));
  if (database !== '') parts.database = database;
  if (url.username !== '') parts.user = decode(url.username);
  if (url.password !== '') parts.password = decode(url.password);
  for (const [key, value] of url.searchParams) {
    switch (key) {
      case 'host':
        parts.host = value;
        break;
      case 'port':
        parts.port = Number(value);
        if (!Number.isInteger(parts.port) || parts.port < 1 || parts.port > 65535)
          throw urlError(text, what, `port '${value}' is not a port number`);
        break;
      case 'user':
        parts.user = value;
        break;
      case 'password':
        parts.password = value;
        break;
      case 'dbname':
        parts.database = value;
        break;
      case 'sslmode':
        if (value === 'disable') parts.ssl = false;
        else if (value === 'require' || value === 'prefer' || value === 'allow') parts.ssl = { rejectUnauthorized: false };
        else if (value === 'verify-ca' || value === 'verify-full') parts.ssl = {};
        else throw urlError(text, what, `sslmode '${value}' is not one of disable, allow, prefer, require, verify-ca, verify-full`);
        break;
      case 'application_name':
      case 'connect_timeout':
        break; // set through the options instead
      default:
        throw urlError(text, what, `the URL parameter '${key}' is not supported; use host, port, user, password, dbname or sslmode`);
    }
  }
  return parts;
}

/** `text` with the password (and anything between `//` and `@`) replaced, for messages. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1***@').replace(/([?&]password=)[^&#]*/gi, '$1***');
}

function urlError(text: string, what: string, problem: string): DtdeConfigurationError {
  return new DtdeConfigurationError(
    `${what}: invalid PostgreSQL URL '${redactUrl(text)}': ${problem}. Use postgres://user:password@host:5432/database.`,
    { path: what },
  );
}
