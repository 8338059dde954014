import { z } from 'zod';
import { DtdeConfigurationError } from '../../errors/dtde-configuration-error.js';
import { optionsError } from '../../errors/options-error.js';
import type { ConnectionRef } from '../../metadata/model.js';
import { isMssqlCollation } from './mssql-collation.js';
import { type MssqlConnectionStringParts, parseMssqlConnectionString } from './parse-mssql-connection-string.js';

/** How the connections to one database are pooled (a `tarn` pool inside `mssql`'s `ConnectionPool`). */
export interface MssqlPoolOptions {
  /** Connections kept open when idle; default 0. */
  readonly min?: number;
  /**
   * Most connections per database, 1 to 1000; default 10. A merge keeps one stream open per shard,
   * so this bounds how many shards of one database stream at once (`maxParallelShards` is checked
   * against it).
   */
  readonly max?: number;
  /** Milliseconds after which an idle connection above `min` is closed; default 30000. */
  readonly idleTimeoutMs?: number;
}

/**
 * Options of `mssql(...)`: an ADO.NET connection string, or the same parts as fields, or both (the
 * fields override the string's parts). `mssql()` validates them and throws
 * `DtdeConfigurationError` naming a bad one; its messages never show the password.
 *
 * @example
 * ```ts
 * mssql('Server=db1,1433;Database=shop;User Id=app;Password=…;Encrypt=true');
 * mssql({ server: 'db1', database: 'shop', user: 'app', password: process.env.MSSQL_PASSWORD, pool: { max: 16 } });
 * mssql({ connectionString: process.env.MSSQL_URL, requestTimeoutMs: 30_000 });
 * ```
 */
export interface MssqlOptions {
  /**
   * `Server=host[,port][\instance];Database=…;User Id=…;Password=…;Encrypt=true|false;TrustServerCertificate=…`
   * and optionally `Connect Timeout`, `Command Timeout` (seconds), `Application Name`,
   * `Min Pool Size`, `Max Pool Size`.
   */
  readonly connectionString?: string;
  /** Host name or IP address; default `localhost`. */
  readonly server?: string;
  /** Default 1433 (unless `instanceName` is given: the SQL Browser service then names the port). */
  readonly port?: number;
  /** A named instance (`host\instance`). */
  readonly instanceName?: string;
  /** The context's own database. Required, here or in the connection string. */
  readonly database?: string;
  /** SQL Server login. */
  readonly user?: string;
  /** The login's password; never shown in messages, diagnostics or `explain()`. */
  readonly password?: string;
  /** Encrypt the connection (TLS); default true. `'strict'` is TDS 8 (SQL Server 2022). */
  readonly encrypt?: boolean | 'strict';
  /** Accept a server certificate no CA vouches for (a local container's); default false. */
  readonly trustServerCertificate?: boolean;
  /** Pool sizes per database (default 0 to 10 connections; `Min/Max Pool Size` in a connection string). */
  readonly pool?: MssqlPoolOptions;
  /** Milliseconds to open a connection, and to wait for a free pooled one, before failing; default 15000. */
  readonly connectTimeoutMs?: number;
  /**
   * Milliseconds a statement may run before the driver cancels it (tedious's `requestTimeout`);
   * default 0, no limit. A context's `queryTimeoutMs` and an `AbortSignal` also cancel.
   */
  readonly requestTimeoutMs?: number;
  /** Rows buffered per streamed query before the request is paused (back-pressure); default 256. */
  readonly batchSize?: number;
  /** Shown in `sys.dm_exec_sessions.program_name`; default `dtde`. */
  readonly applicationName?: string;
  /** The database `ensureDatabase` and `deleteDatabase` connect to for `CREATE/DROP DATABASE`; default `master`. */
  readonly maintenanceDatabase?: string;
  /**
   * The collation of string columns that declare none (`PropertyBuilder.collation`):
   * `ensureCreated` writes it on each (`nvarchar(200) COLLATE Latin1_General_100_BIN2`) and the
   * merge of shard answers compares in it. Without it such columns take the database's default,
   * which dtde assumes is SQL Server's installation default, `SQL_Latin1_General_CP1_CI_AS`; set it
   * when the databases have another default. A Windows or SQL collation name (`…_CI_AS`, `…_BIN2`).
   */
  readonly collation?: string;
}

const COLLATION = "a SQL Server collation name with its case and accent flags ('Latin1_General_100_CI_AS') or _BIN2";
const identifierText = z.string().min(1).max(128);

/** The parts of a server address and login, as options or a shard connection give them. */
const endpointShape = {
  connectionString: z.string().min(1).optional(),
  server: z.string().min(1).max(255).optional(),
  port: z.int().min(1).max(65535).optional(),
  instanceName: identifierText.optional(),
  database: identifierText.optional(),
  user: identifierText.optional(),
  password: z.string().max(128).optional(),
  encrypt: z.union([z.boolean(), z.literal('strict')]).optional(),
  trustServerCertificate: z.boolean().optional(),
};

/**
 * How `MssqlOptions` are validated. Defaults are applied after the connection string is read (its
 * pool sizes and timeouts count), so they are not in the schema.
 */
export const mssqlOptionsSchema = z.strictObject({
  ...endpointShape,
  pool: z
    .strictObject({
      min: z.int().min(0).max(1000).optional(),
      max: z.int().min(1).max(1000).optional(),
      idleTimeoutMs: z.int().min(1).optional(),
    })
    .optional(),
  connectTimeoutMs: z.int().min(1).optional(),
  requestTimeoutMs: z.int().min(0).optional(),
  batchSize: z.int().min(1).max(100_000).optional(),
  applicationName: z.string().max(128).optional(),
  maintenanceDatabase: identifierText.optional(),
  collation: z.string().refine(isMssqlCollation, { message: COLLATION }).optional(),
});

/**
 * A shard's `ConnectionRef` for SQL Server: `{ database: 'shop_2024' }` on the context's server
 * with its login, `{ connectionString: 'Server=db2;Database=shop;…' }` or
 * `{ server: 'db2', database: 'shop', user, password }` on another one. Parts left out are the
 * context's own (another server keeps its own port, 1433 unless given).
 */
export const mssqlConnectionSchema = z.strictObject(endpointShape);

/** One server and database, and how to log in: a pool is kept per distinct endpoint. */
export interface MssqlEndpoint {
  readonly server: string;
  /** Undefined for a named instance whose port the SQL Browser service answers. */
  readonly port: number | undefined;
  readonly instanceName: string | undefined;
  readonly database: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly encrypt: boolean | 'strict';
  readonly trustServerCertificate: boolean;
}

export interface ResolvedMssqlOptions {
  /** The context's own database. */
  readonly endpoint: MssqlEndpoint;
  readonly pool: { readonly min: number; readonly max: number; readonly idleTimeoutMs: number };
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly batchSize: number;
  readonly applicationName: string;
  readonly maintenanceDatabase: string;
}

const DEFAULT_PORT = 1433;

const CONNECTION_STRING_EXAMPLE = "a connection string such as 'Server=db1,1433;Database=shop;User Id=app;Password=…'";
const MILLISECONDS = 'an integer >= 1 (milliseconds)';
const NAME = 'a name of 1 to 128 characters';

/** What each option must be, in the words of an error message (`port must be <this>; got …`). */
const PHRASES: Readonly<Record<'' | keyof MssqlOptions | `pool.${keyof MssqlPoolOptions}`, string>> = {
  '': `${CONNECTION_STRING_EXAMPLE} or an object such as { server: 'db1', database: 'shop', user: 'app', password }`,
  connectionString: CONNECTION_STRING_EXAMPLE,
  server: 'a host name or IP address (1 to 255 characters)',
  port: 'an integer from 1 to 65535',
  instanceName: NAME,
  database: NAME,
  user: NAME,
  password: 'a string of at most 128 characters',
  encrypt: "true, false or 'strict'",
  trustServerCertificate: 'true or false',
  pool: 'an object such as { min: 0, max: 10, idleTimeoutMs: 30000 }',
  'pool.min': 'an integer from 0 to 1000',
  'pool.max': 'an integer from 1 to 1000',
  'pool.idleTimeoutMs': MILLISECONDS,
  connectTimeoutMs: MILLISECONDS,
  requestTimeoutMs: 'an integer >= 0 (milliseconds; 0 is no limit)',
  batchSize: 'an integer from 1 to 100000',
  applicationName: 'a string of at most 128 characters',
  maintenanceDatabase: NAME,
  collation: COLLATION,
};

/** Validates `mssql()` options (a connection string or an object); throws `DtdeConfigurationError` naming the bad option. */
export function parseMssqlOptions(input: unknown): ResolvedMssqlOptions {
  const options = typeof input === 'string' ? { connectionString: input } : input;
  const result = mssqlOptionsSchema.safeParse(options);
  if (!result.success) throw optionsError('mssql', options, result.error, PHRASES, 'mssql options');
  const o = result.data;
  const fromString: MssqlConnectionStringParts = o.connectionString === undefined ? {} : parseMssqlConnectionString(o.connectionString);
  const endpoint = resolveEndpoint(o, fromString, null, 'mssql() options');
  const pool = {
    min: o.pool?.min ?? fromString.poolMin ?? 0,
    max: o.pool?.max ?? fromString.poolMax ?? 10,
    idleTimeoutMs: o.pool?.idleTimeoutMs ?? 30_000,
  };
  if (pool.min > pool.max) {
    throw new DtdeConfigurationError(
      `mssql({ pool }): pool.min (${pool.min}) is larger than pool.max (${pool.max}); lower min or raise max.`,
      {
        path: 'mssql options.pool',
      },
    );
  }
  return Object.freeze({
    endpoint,
    pool: Object.freeze(pool),
    connectTimeoutMs: o.connectTimeoutMs ?? nonZero(fromString.connectTimeoutMs) ?? 15_000,
    requestTimeoutMs: o.requestTimeoutMs ?? fromString.requestTimeoutMs ?? 0,
    batchSize: o.batchSize ?? 256,
    applicationName: o.applicationName ?? fromString.applicationName ?? 'dtde',
    maintenanceDatabase: o.maintenanceDatabase ?? 'master',
  });
}

/**
 * The endpoint a shard connection names: its own parts over the context's (`base`). Throws
 * `DtdeConfigurationError` for anything but the documented shapes.
 */
export function resolveMssqlConnection(connection: ConnectionRef | null, base: MssqlEndpoint): MssqlEndpoint {
  if (connection === null) return base;
  const result = mssqlConnectionSchema.safeParse(connection);
  if (!result.success) {
    throw new DtdeConfigurationError(
      `Invalid SQL Server shard connection (keys ${
        Object.keys(connection)
          .map((k) => `'${k}'`)
          .join(', ') || 'none'
      }): ` +
        `${z.prettifyError(result.error)}. A SQL Server shard names its database: addShard('EU', { database: 'shop_eu' }), ` +
        "or another server: { connectionString: 'Server=db2;Database=shop_eu;User Id=…;Password=…' } or { server, port, database, user, password }.",
      { path: 'shard connection' },
    );
  }
  const fromString =
    result.data.connectionString === undefined ? {} : parseMssqlConnectionString(result.data.connectionString, 'shard connection string');
  return resolveEndpoint(result.data, fromString, base, 'shard connection');
}

/**
 * A stable name of the database an endpoint reaches, without credentials:
 * `mssql://host:port/database` (`mssql://host\instance/database` for a named instance). Two
 * spellings of one database (`{ database: 'a' }` and a connection string naming the context's
 * server and `a`) give the same id.
 *
 * @example
 * mssqlDatabaseId(endpoint); // 'mssql://db1:1433/shop'
 */
export function mssqlDatabaseId(endpoint: MssqlEndpoint): string {
  const host = endpoint.server.toLowerCase();
  const where =
    endpoint.instanceName !== undefined && endpoint.port === undefined
      ? `${host}\\${endpoint.instanceName.toLowerCase()}`
      : `${host}:${endpoint.port ?? DEFAULT_PORT}`;
  return `mssql://${where}/${endpoint.database}`;
}

type EndpointInput = { -readonly [K in keyof typeof endpointShape]?: z.output<(typeof endpointShape)[K]> };

function resolveEndpoint(
  input: EndpointInput,
  fromString: MssqlConnectionStringParts,
  base: MssqlEndpoint | null,
  what: string,
): MssqlEndpoint {
  const pick = <K extends keyof MssqlEndpoint & keyof MssqlConnectionStringParts>(
    key: K,
    own: MssqlEndpoint[K] | undefined,
  ): MssqlEndpoint[K] | undefined =>
    own !== undefined ? own : fromString[key] !== undefined ? (fromString[key] as MssqlEndpoint[K]) : base?.[key];
  const database = pick('database', input.database);
  if (database === undefined) {
    throw new DtdeConfigurationError(
      `${what}: no database given; name one in the connection string (Database=shop) or as { database: 'shop' }.`,
      { path: what },
    );
  }
  // Another server means another port and instance: its own (1433 unless given), not the context's.
  const ownServer = input.server !== undefined || fromString.server !== undefined;
  const instanceName = ownServer ? (input.instanceName ?? fromString.instanceName) : pick('instanceName', input.instanceName);
  const explicitPort = input.port ?? fromString.port;
  const port = ownServer ? explicitPort : (explicitPort ?? base?.port);
  return hideSecrets({
    server: pick('server', input.server) ?? 'localhost',
    port: port ?? (instanceName === undefined ? DEFAULT_PORT : undefined),
    instanceName,
    database,
    user: pick('user', input.user),
    password: pick('password', input.password),
    encrypt: pick('encrypt', input.encrypt) ?? true,
    trustServerCertificate: pick('trustServerCertificate', input.trustServerCertificate) ?? false,
  });
}

/**
 * The endpoint, frozen, with its password not enumerable (still readable): logging or inspecting
 * the options, the driver or a context that holds them (`console.log(ctx)`, a diagnostics message
 * carrying the context) shows no password.
 */
function hideSecrets(endpoint: MssqlEndpoint): MssqlEndpoint {
  Object.defineProperty(endpoint, 'password', { enumerable: false });
  return Object.freeze(endpoint);
}

function nonZero(ms: number | undefined): number | undefined {
  return ms === 0 ? undefined : ms;
}
