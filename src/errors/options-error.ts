import type { z } from 'zod';
import { DtdeConfigurationError } from './dtde-configuration-error.js';

/** Option paths whose values are never shown in a message (a password, or a URL that may hold one). */
const SECRET = /password|url|connectionstring|^ssl\.key$/i;

/**
 * The error for options that failed their zod schema, in dtde's words instead of zod's: each
 * problem names the option path, what it must be (`phrases`, by dotted path; `''` is the options
 * value itself) and what came, e.g.
 * `sqlite({ file }): file must be a path string such as './data/app.db'; got the number 5.`
 * `call` names the call (`sqlite`, `new ShopContext`); `path` (the error's `path`) is `pathPrefix`
 * plus the dotted path of the first problem. Values of secret options (passwords, URLs,
 * connection strings) are described by type only.
 *
 * @example
 * const result = sqliteOptionsSchema.safeParse(input);
 * if (!result.success) throw optionsError('sqlite', input, result.error, PHRASES, 'sqlite options');
 */
export function optionsError(
  call: string,
  input: unknown,
  error: z.ZodError,
  phrases: Readonly<Record<string, string>>,
  pathPrefix = 'options',
): DtdeConfigurationError {
  const sentences: string[] = [];
  const named = new Set<string>();
  let firstPath: string | undefined;
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => [...path, k].join('.'));
      for (const key of keys) named.add(key.split('.')[0]!);
      const where = path.length === 0 ? '' : `${path.join('.')}.`;
      const known = Object.keys(phrases)
        .filter((p) => p !== '' && p.startsWith(where) && !p.slice(where.length).includes('.'))
        .map((p) => p.slice(where.length));
      sentences.push(
        `unknown option${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}; ` +
          `the options${path.length === 0 ? '' : ` of ${path.join('.')}`} are ${known.join(', ')}.`,
      );
    } else if (path.length === 0) {
      sentences.push(`options must be ${phrases[''] ?? 'an object'}; got ${describe(input, '')}.`);
    } else {
      const dotted = path.join('.');
      named.add(path[0]!);
      const value = valueAt(input, path);
      const phrase = phrases[dotted] ?? 'a valid value';
      // A refinement's own message says why a value of the right type is refused.
      const why = issue.code === 'custom' && issue.message !== 'Invalid input' && !phrase.includes(issue.message);
      const expected = why ? `${phrase} (${issue.message})` : phrase;
      sentences.push(
        value === undefined ? `${dotted} is required: ${expected}.` : `${dotted} must be ${expected}; got ${describe(value, dotted)}.`,
      );
    }
    firstPath ??= path.length === 0 ? pathPrefix : `${pathPrefix}.${path.join('.')}`;
  }
  const args = named.size === 0 ? 'options' : `{ ${[...named].join(', ')} }`;
  return new DtdeConfigurationError(`${call}(${args}): ${sentences.join(' ')}`, { path: firstPath, cause: error });
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A value as a message shows it: `the number 5`, `the string "8"`, `an object`. */
function describe(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return SECRET.test(path) ? 'a string' : `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
    case 'number':
      return SECRET.test(path) ? 'a number' : `the number ${value}`;
    case 'bigint':
      return SECRET.test(path) ? 'a bigint' : `the bigint ${value}n`;
    case 'boolean':
      return String(value);
    case 'function':
      return 'a function';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
