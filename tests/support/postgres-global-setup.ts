import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEFAULT_PG_URL, dropAbandonedTestDatabases, withClient } from './postgres-servers.js';

// Vitest global setup: the two PostgreSQL servers the PostgreSQL tests run against.
//
// - The main server is DTDE_PG_URL, or this machine's cluster at 127.0.0.1:5432 (.ci/run starts it
//   when it is down).
// - The second server is DTDE_PG2_URL (.ci/run starts one on 5433 and sets it). When it is not
//   set, this setup starts a private instance for the run (initdb + pg_ctl into a temp folder, a
//   free port, 127.0.0.1 only, trust auth) and stops and deletes it when the run ends, so a run by
//   hand needs nothing prepared and concurrent runs never share it.
//
// A server that cannot be reached does not stop the run: the tests that need it fail with the
// reason recorded here (they never skip), and every other test runs.

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { readonly main: string; readonly second: string; readonly problems: readonly string[] };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const problems: string[] = [];
  const main = process.env.DTDE_PG_URL ?? DEFAULT_PG_URL;
  await check(
    main,
    'main',
    problems,
    'start it (.ci/run does: pg_ctlcluster --skip-systemctl-redirect <version> main start) or set DTDE_PG_URL',
  );

  let second = process.env.DTDE_PG2_URL;
  let instance: PrivateInstance | undefined;
  if (second === undefined) {
    try {
      instance = await startPrivateInstance();
      second = instance.url;
    } catch (error) {
      problems.push(
        `could not start a second PostgreSQL instance for the run: ${(error as Error).message}; set DTDE_PG2_URL to a second server`,
      );
      second = 'postgres://postgres@127.0.0.1:1/postgres';
    }
  } else {
    await check(second, 'second', problems, 'start it (.ci/run starts one on 5433) or unset DTDE_PG2_URL to let the tests start their own');
  }

  project.provide('postgres', { main, second, problems });
  return async () => {
    instance?.stop();
  };
}

async function check(url: string, which: string, problems: string[], fix: string): Promise<void> {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
    await dropAbandonedTestDatabases(url);
  } catch (error) {
    problems.push(`the ${which} PostgreSQL server ${redact(url)} cannot be reached (${(error as Error).message}); ${fix}`);
  }
}

interface PrivateInstance {
  readonly url: string;
  stop(): void;
}

/** initdb + pg_ctl start into a temp folder, as the `postgres` user when running as root. */
async function startPrivateInstance(): Promise<PrivateInstance> {
  const bin = postgresBinDir();
  const asRoot = userInfo().uid === 0;
  const run = (file: string, args: string[]): void => {
    const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, file), ...args]] : [join(bin, file), args];
    execFileSync(command, argv, { stdio: 'pipe', timeout: 120_000 });
  };
  const pgCtlStop = (data: string): void => {
    const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl')]] : [join(bin, 'pg_ctl'), []];
    spawnSync(command, [...argv, 'stop', '-D', data, '-m', 'immediate', '-w'], { stdio: 'ignore', timeout: 60_000 });
  };
  removeAbandonedInstances(pgCtlStop);
  // The folder names the process that owns the instance, so a later run can tell a leftover.
  const dir = mkdtempSync(join(tmpdir(), `${INSTANCE_PREFIX}${process.pid}-`));
  const data = join(dir, 'data');
  if (asRoot) chownPostgres(dir);
  const port = await freePort();
  let started = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    stop();
    process.kill(process.pid, signal); // our listener is gone: the signal now ends the process
  };
  const stop = (): void => {
    if (started) {
      pgCtlStop(data);
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', stop);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  // A run interrupted before its teardown (Ctrl-C, a kill) still stops the server as it ends.
  process.on('exit', stop);
  for (const signal of SIGNALS) process.once(signal, onSignal);
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    const settings = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    run('pg_ctl', ['start', '-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60']);
    started = true;
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

const INSTANCE_PREFIX = 'dtde-pg2-';
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Stops and deletes private instances of runs whose process has ended (killed before their teardown). */
function removeAbandonedInstances(pgCtlStop: (data: string) => void): void {
  for (const name of readdirSync(tmpdir())) {
    const owner = new RegExp(`^${INSTANCE_PREFIX}(\\d+)-`).exec(name);
    if (owner === null || processAlive(Number(owner[1]))) continue;
    const dir = join(tmpdir(), name);
    pgCtlStop(join(dir, 'data'));
    rmSync(dir, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folder of initdb and pg_ctl: on the PATH, else the newest /usr/lib/postgresql/<version>/bin. */
function postgresBinDir(): string {
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (found !== '') return found.replace(/\/initdb$/, '');
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('initdb was not found on the PATH nor under /usr/lib/postgresql');
  return join(root, versions[0], 'bin');
}

function chownPostgres(dir: string): void {
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (ids.status !== 0) throw new Error('running as root, but there is no postgres user to run the server as');
  chownSync(dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
