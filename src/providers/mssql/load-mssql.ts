import { createRequire } from 'node:module';
import type mssqlModule from 'mssql';

const require = createRequire(import.meta.url);
let loaded: typeof mssqlModule | undefined;

/**
 * The `mssql` module (and with it `tedious`), loaded on first use rather than when dtde is
 * imported: loading them takes about half a second, which an application that never opens a SQL
 * Server connection should not pay.
 */
export function loadMssql(): typeof mssqlModule {
  loaded ??= require('mssql') as typeof mssqlModule;
  return loaded;
}
