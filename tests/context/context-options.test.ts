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

  it.each([
    [{ maxParallelShards: 0 }, 'options.maxParallelShards: expected an integer >= 1, got 0.', 'options.maxParallelShards'],
    [{ maxParallelShards: 2.5 }, 'options.maxParallelShards: expected an integer >= 1, got 2.5.', 'options.maxParallelShards'],
    [{ maxParallelShards: '8' }, 'options.maxParallelShards: expected an integer >= 1, got "8".', 'options.maxParallelShards'],
    [{ maxParallelShards: Infinity }, 'options.maxParallelShards: expected an integer >= 1, got Infinity.', 'options.maxParallelShards'],
    [{ queryTimeoutMs: 0 }, 'options.queryTimeoutMs: expected a positive integer (milliseconds), got 0.', 'options.queryTimeoutMs'],
    [{ queryTimeoutMs: -5 }, 'options.queryTimeoutMs: expected a positive integer (milliseconds), got -5.', 'options.queryTimeoutMs'],
    [
      { provider: 'sqlite' },
      `options.provider: expected sqlite({ file: 'shop.db' }) or another dtde provider (an object with a dialect, a driver and databaseId), got "sqlite".`,
      'options.provider',
    ],
    [
      { provider: null },
      `options.provider: expected sqlite({ file: 'shop.db' }) or another dtde provider (an object with a dialect, a driver and databaseId), got null.`,
      'options.provider',
    ],
    [
      // The options of sqlite() passed where the provider belongs.
      { provider: { file: 'shop.db' } },
      `options.provider: expected sqlite({ file: 'shop.db' }) or another dtde provider (an object with a dialect, a driver and databaseId), got an object.`,
      'options.provider',
    ],
    [{ shards: ['EU'] }, `options.shards: expected a function such as s => s.addShards('EU', 'US'), got an array.`, 'options.shards'],
    [{ maxIdentifierLength: 0 }, 'options.maxIdentifierLength: expected an integer >= 1, got 0.', 'options.maxIdentifierLength'],
  ])('refuses %o', (input, message, path) => {
    const error = configError(() => parseContextOptions(input));
    expect(error.message).toBe(message);
    expect(error.path).toBe(path);
  });

  it('refuses unknown options, listing the known ones', () => {
    const error = configError(() => parseContextOptions({ maxParalelShards: 4 }));
    expect(error.message).toBe(
      "options: unknown option 'maxParalelShards'; known options are provider, shards, strictRouting, maxParallelShards, queryTimeoutMs, maxIdentifierLength, coordinator, recoverOnFirstWrite, clock, log.",
    );
    expect(error.path).toBe('options');
  });

  it('refuses a non-object', () => {
    expect(configError(() => parseContextOptions(5)).message).toBe('options: expected an options object, got 5.');
    expect(configError(() => parseContextOptions(null)).message).toBe('options: expected an options object, got null.');
  });

  it('reports several problems in one error, path of the first', () => {
    const error = configError(() => parseContextOptions({ maxParallelShards: 0, queryTimeoutMs: 'x' }));
    expect(error.message).toBe(
      'options.maxParallelShards: expected an integer >= 1, got 0; options.queryTimeoutMs: expected a positive integer (milliseconds), got "x".',
    );
    expect(error.path).toBe('options.maxParallelShards');
  });
});
