import { DtdeConfigurationError } from '../../errors/dtde-configuration-error.js';

/** What a SQL Server connection string can say, in the names of `MssqlOptions`. */
export interface MssqlConnectionStringParts {
  server?: string;
  port?: number;
  instanceName?: string;
  database?: string;
  user?: string;
  password?: string;
  encrypt?: boolean | 'strict';
  trustServerCertificate?: boolean;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  applicationName?: string;
  poolMin?: number;
  poolMax?: number;
}

type Key = keyof MssqlConnectionStringParts | 'serverAddress';

/** The keywords ADO.NET (Microsoft.Data.SqlClient) accepts for what dtde supports, lower-cased. */
const KEYWORDS: Readonly<Record<string, Key>> = {
  server: 'serverAddress',
  'data source': 'serverAddress',
  address: 'serverAddress',
  addr: 'serverAddress',
  'network address': 'serverAddress',
  port: 'port',
  database: 'database',
  'initial catalog': 'database',
  'user id': 'user',
  uid: 'user',
  user: 'user',
  password: 'password',
  pwd: 'password',
  encrypt: 'encrypt',
  trustservercertificate: 'trustServerCertificate',
  'trust server certificate': 'trustServerCertificate',
  'connect timeout': 'connectTimeoutMs',
  'connection timeout': 'connectTimeoutMs',
  timeout: 'connectTimeoutMs',
  'command timeout': 'requestTimeoutMs',
  'request timeout': 'requestTimeoutMs',
  'application name': 'applicationName',
  app: 'applicationName',
  'min pool size': 'poolMin',
  'max pool size': 'poolMax',
};

/** Keywords that are understood but have nothing to do with how dtde connects: accepted, ignored. */
const IGNORED = new Set([
  'persist security info',
  'persistsecurityinfo',
  'pooling',
  'multipleactiveresultsets',
  'multiple active result sets',
  'applicationintent',
  'application intent',
  'multisubnetfailover',
  'multi subnet failover',
  'connectretrycount',
  'connect retry count',
  'connectretryinterval',
  'connect retry interval',
  'workstation id',
  'wsid',
]);

/**
 * Parses an ADO.NET-style SQL Server connection string
 * (`Server=tcp:db1,1433;Database=shop;User Id=app;Password=...;Encrypt=true`) into options.
 * Keywords are case-insensitive; values may be quoted with `'…'`, `"…"` (a doubled quote inside
 * stands for one) or `{…}` (`}}` stands for `}`). `Server` takes `host`, `host,port`,
 * `host\instance` and a `tcp:` prefix. Timeouts are in seconds, as in ADO.NET.
 *
 * Throws `DtdeConfigurationError` naming the keyword for anything it cannot use; messages never
 * quote a value, so a password cannot leak through them.
 *
 * @example
 * parseMssqlConnectionString('Server=db1,1433;Database=shop;User Id=app;Password=s3cret;Encrypt=false');
 * // { server: 'db1', port: 1433, database: 'shop', user: 'app', password: 's3cret', encrypt: false }
 */
export function parseMssqlConnectionString(text: string, what = 'connection string'): MssqlConnectionStringParts {
  const parts: MssqlConnectionStringParts = {};
  for (const [rawKey, value] of splitPairs(text, what)) {
    const key = rawKey.toLowerCase().replace(/\s+/g, ' ');
    const target = KEYWORDS[key];
    if (target === undefined) {
      if (IGNORED.has(key)) continue;
      if (key === 'integrated security' || key === 'trusted_connection' || key === 'authentication') {
        throw configError(what, `'${rawKey}' is not supported: dtde logs in to SQL Server with a user and password (User Id=…;Password=…)`);
      }
      throw configError(
        what,
        `the keyword '${rawKey}' is not supported; use Server, Database, User Id, Password, Encrypt, TrustServerCertificate, ` +
          'Connect Timeout, Command Timeout, Application Name, Min Pool Size or Max Pool Size',
      );
    }
    switch (target) {
      case 'serverAddress':
        Object.assign(parts, parseServer(value, what));
        break;
      case 'port':
        parts.port = integer(value, rawKey, what, 1, 65535);
        break;
      case 'encrypt': {
        const v = value.trim().toLowerCase();
        if (v === 'strict') parts.encrypt = 'strict';
        else parts.encrypt = boolean(value, rawKey, what, { mandatory: true, optional: false });
        break;
      }
      case 'trustServerCertificate':
        parts.trustServerCertificate = boolean(value, rawKey, what);
        break;
      case 'connectTimeoutMs':
      case 'requestTimeoutMs':
        parts[target] = integer(value, rawKey, what, 0, 2_147_483) * 1000;
        break;
      case 'poolMin':
        parts.poolMin = integer(value, rawKey, what, 0, 1000);
        break;
      case 'poolMax':
        parts.poolMax = integer(value, rawKey, what, 1, 1000);
        break;
      default:
        if (value === '' && target !== 'password') throw configError(what, `'${rawKey}' is empty`);
        parts[target] = value;
    }
  }
  return parts;
}

/** `key=value` pairs in order; a key given twice keeps its last value (as ADO.NET does). */
function splitPairs(text: string, what: string): [string, string][] {
  const pairs: [string, string][] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ';' || /\s/.test(text[i]))) i++;
    if (i >= n) break;
    const eq = text.indexOf('=', i);
    const semicolon = text.indexOf(';', i);
    // The text is not quoted back: it could be a password written without its keyword.
    if (eq < 0 || (semicolon >= 0 && semicolon < eq))
      throw configError(what, `the part at position ${i + 1} has no '=' (write key=value pairs separated by ';')`);
    const key = text.slice(i, eq).trim();
    if (key === '') throw configError(what, "a pair has no keyword before '='");
    i = eq + 1;
    while (i < n && text[i] === ' ') i++;
    let value: string;
    const quote = text[i];
    if (quote === "'" || quote === '"' || quote === '{') {
      const close = quote === '{' ? '}' : quote;
      let out = '';
      i++;
      for (;;) {
        if (i >= n) throw configError(what, `the value of '${key}' has no closing ${close}`);
        if (text[i] === close) {
          if (text[i + 1] === close) {
            out += close;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        out += text[i++];
      }
      while (i < n && text[i] === ' ') i++;
      if (i < n && text[i] !== ';') throw configError(what, `unexpected text after the quoted value of '${key}'`);
      value = out;
    } else {
      const end = text.indexOf(';', i);
      value = text.slice(i, end < 0 ? n : end).trim();
      i = end < 0 ? n : end;
    }
    pairs.push([key, value]);
  }
  return pairs;
}

/** `tcp:host,port`, `host\instance`, `(local)`, `.` */
function parseServer(value: string, what: string): Pick<MssqlConnectionStringParts, 'server' | 'port' | 'instanceName'> {
  let rest = value.trim().replace(/^tcp:/i, '');
  if (/^(np|lpc|admin):/i.test(rest)) throw configError(what, 'only TCP connections are supported (no named pipes or shared memory)');
  const out: Pick<MssqlConnectionStringParts, 'server' | 'port' | 'instanceName'> = {};
  const comma = rest.lastIndexOf(',');
  if (comma >= 0) {
    out.port = integer(rest.slice(comma + 1), 'Server port', what, 1, 65535);
    rest = rest.slice(0, comma).trim();
  }
  const slash = rest.indexOf('\\');
  if (slash >= 0) {
    const instance = rest.slice(slash + 1).trim();
    if (instance === '') throw configError(what, 'the Server instance name after \\ is empty');
    out.instanceName = instance;
    rest = rest.slice(0, slash).trim();
  }
  if (rest === '') throw configError(what, 'Server names no host');
  out.server = rest === '.' || rest.toLowerCase() === '(local)' ? 'localhost' : rest;
  return out;
}

function integer(value: string, key: string, what: string, min: number, max: number): number {
  const text = value.trim();
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw configError(what, `'${key}' must be a whole number from ${min} to ${max}`);
  return n;
}

function boolean(value: string, key: string, what: string, extra: Readonly<Record<string, boolean>> = {}): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  if (v in extra) return extra[v];
  throw configError(what, `'${key}' must be true or false`);
}

function configError(what: string, problem: string): DtdeConfigurationError {
  return new DtdeConfigurationError(
    `Invalid SQL Server ${what}: ${problem}. Example: 'Server=db1,1433;Database=shop;User Id=app;Password=…;Encrypt=true'.`,
    { path: `mssql ${what}` },
  );
}
