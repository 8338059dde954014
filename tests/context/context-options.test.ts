import { describe, expect, it } from 'vitest';
import { parseContextOptions } from '../../src/context/context-options.js';
import { sqlite } from '../../src/providers/sqlite/sqlite-provider.js';
import { configError } from '../metadata/expect-config-error.js';

describe('parseContextOptions', () => {
  it('applies defaults', () => {
    const { clock, ...rest } = parseContextOptions();
    expect(rest).toEqual({
      provider: undefined,
      shards: undefined,
      maxParallelShards: 8,
      queryTimeoutMs: undefined,
      maxIdentifierLength: 128,
      strictRouting: false,
      coordinator: null,
      recoverOnFirstWrite: true,
    });
    expect(clock()).toBeInstanceOf(Date);
  });

  it('keeps valid options', () => {
    const provider = sqlite({ file: 'never-opened.db' }); // no I/O until used
    const shards = () => {};
    const o = parseContextOptions({ provider, shards, maxParallelShards: 1, queryTimeoutMs: 500, maxIdentifierLength: 63 });
    expect(o.provider).toBe(provider);
    expect(o.shards).toBe(shards);
    expect(o).toMatchObject({ maxParallelShards: 1, queryTimeoutMs: 500, maxIdentifierLength: 63 });
  });

  const PROVIDER = "sqlite({ file: 'shop.db' }) or another dtde provider (an object with a dialect, a driver and databaseId)";
  it.each([
    [{ maxParallelShards: 0 }, 'maxParallelShards must be an integer >= 1; got the number 0.', 'options.maxParallelShards'],
    [{ maxParallelShards: 2.5 }, 'maxParallelShards must be an integer >= 1; got the number 2.5.', 'options.maxParallelShards'],
    [{ maxParallelShards: '8' }, 'maxParallelShards must be an integer >= 1; got the string "8".', 'options.maxParallelShards'],
    [{ maxParallelShards: Infinity }, 'maxParallelShards must be an integer >= 1; got the number Infinity.', 'options.maxParallelShards'],
    [{ queryTimeoutMs: 0 }, 'queryTimeoutMs must be a positive integer (milliseconds); got the number 0.', 'options.queryTimeoutMs'],
    [{ queryTimeoutMs: -5 }, 'queryTimeoutMs must be a positive integer (milliseconds); got the number -5.', 'options.queryTimeoutMs'],
    [{ provider: 'sqlite' }, `provider must be ${PROVIDER}; got the string "sqlite".`, 'options.provider'],
    [{ provider: null }, `provider must be ${PROVIDER}; got null.`, 'options.provider'],
    // The options of sqlite() passed where the provider belongs.
    [{ provider: { file: 'shop.db' } }, `provider must be ${PROVIDER}; got an object.`, 'options.provider'],
    [{ shards: ['EU'] }, `shards must be a function such as s => s.addShards('EU', 'US'); got an array.`, 'options.shards'],
    [{ maxIdentifierLength: 0 }, 'maxIdentifierLength must be an integer >= 1; got the number 0.', 'options.maxIdentifierLength'],
  ])('refuses %o', (input, message, path) => {
    const error = configError(() => parseContextOptions(input, 'new ShopContext'));
    expect(error.message).toBe(`new ShopContext({ ${Object.keys(input)[0]} }): ${message}`);
    expect(error.path).toBe(path);
  });

  it('refuses unknown options, listing the known ones', () => {
    const error = configError(() => parseContextOptions({ maxParalelShards: 4 }));
    expect(error.message).toBe(
      "new DtdeContext({ maxParalelShards }): unknown option 'maxParalelShards'; the options are provider, shards, strictRouting, maxParallelShards, queryTimeoutMs, maxIdentifierLength, coordinator, recoverOnFirstWrite, clock, log.",
    );
    expect(error.path).toBe('options');
  });

  it('refuses a non-object', () => {
    expect(configError(() => parseContextOptions(5)).message).toBe(
      'new DtdeContext(options): options must be an object such as { provider, shards }; got the number 5.',
    );
    expect(configError(() => parseContextOptions(null)).message).toBe(
      'new DtdeContext(options): options must be an object such as { provider, shards }; got null.',
    );
  });

  it('reports several problems in one error, path of the first', () => {
    const error = configError(() => parseContextOptions({ maxParallelShards: 0, queryTimeoutMs: 'x' }));
    expect(error.message).toBe(
      'new DtdeContext({ maxParallelShards, queryTimeoutMs }): maxParallelShards must be an integer >= 1; got the number 0. ' +
        'queryTimeoutMs must be a positive integer (milliseconds); got the string "x".',
    );
    expect(error.path).toBe('options.maxParallelShards');
  });
});
