import { DtdeConfigurationError } from '../../errors/dtde-configuration-error.js';

/**
 * How strings compare under one collation, on the client: the in-memory evaluator and the merge
 * of shard answers use it so that they agree with the engine that sorted, grouped and compared
 * the same strings (`orderBy`, `distinct`, group keys, `===`, `min`/`max`).
 *
 * @example
 * const ci = stringCollation('und-u-ks-level2')!;
 * ci.compare('bob', 'Bob'); // 0
 * ci.key('Bob') === ci.key('BOB'); // true
 */
export interface StringCollation {
  /** The collation's name as the engine spells it (`C`, `NOCASE`, `und-u-ks-level2`, `Latin1_General_CI_AS`). */
  readonly name: string;
  /** Negative, zero or positive; zero exactly when the engine treats the two strings as equal. */
  readonly compare: (a: string, b: string) => number;
  /**
   * A string equal for two inputs when `compare` calls them equal: what distinct rows and group
   * keys are keyed by. For code-point collations the string itself.
   */
  readonly key: (s: string) => string;
  /**
   * What `startsWith`/`endsWith`/`includes` compare when they ignore case under this collation, as
   * the engine's LIKE does (SQL Server's `_CI_`, ICU strength 1 or 2: lower case; SQLite's NOCASE:
   * ASCII lower case); undefined where they are case-sensitive.
   */
  readonly matchFold: ((s: string) => string) | undefined;
}

/** Code-point order, exact equality: SQLite's BINARY, PostgreSQL's "C" (dtde's default there). */
export const BINARY_COLLATION: StringCollation = {
  name: 'BINARY',
  compare: compareCodePoints,
  key: (s) => s,
  matchFold: undefined,
};

/**
 * The client-side twin of an engine collation by name, or undefined when dtde cannot reproduce
 * it (then it must not merge or evaluate strings of that collation). Known:
 * - code point: `BINARY`, `C`, `POSIX`, `ucs_basic`, SQL Server's `*_BIN2` names;
 * - SQLite's `NOCASE` (ASCII letters fold) and `RTRIM` (trailing spaces ignored);
 * - ICU locale tags with a strength, PostgreSQL's way of naming nondeterministic collations:
 *   `und-u-ks-level2` (case-insensitive), `und-u-ks-level1` (case- and accent-insensitive),
 *   `de-u-ks-level2`…, and deterministic ICU tags (`und-x-icu`, `en-x-icu`, `und-u-ks-level3`),
 *   whose ties PostgreSQL breaks by code point;
 * - SQL Server's Windows and SQL collations by their case and accent flags (`_CI_AS`, `_CI_AI`,
 *   `_CS_AS`), compared with ICU's rules for the locale they name (English for `SQL_Latin1_General`,
 *   `Latin1_General`). Letters, digits and case agree with SQL Server; the order of punctuation
 *   can differ (Windows word sort ignores `-` and `'`), so order by such columns only where that
 *   does not matter, or declare a `_BIN2` collation.
 *
 * @example
 * stringCollation('NOCASE')!.compare('abc', 'ABC'); // 0
 * stringCollation('Klingon_CI_AS');                 // a CI collation of unknown locale: ICU root rules
 */
export function stringCollation(name: string): StringCollation | undefined {
  const cached = known.get(name);
  if (cached !== undefined) return cached;
  const made = makeCollation(name);
  if (made !== undefined) known.set(name, made);
  return made;
}

const known = new Map<string, StringCollation>();

function makeCollation(name: string): StringCollation | undefined {
  const lower = name.toLowerCase();
  if (['binary', 'c', 'posix', 'ucs_basic'].includes(lower) || /_bin2?$/.test(lower)) return { ...BINARY_COLLATION, name };
  if (lower === 'nocase') {
    return { name, compare: (a, b) => compareCodePoints(asciiLower(a), asciiLower(b)), key: asciiLower, matchFold: asciiLower };
  }
  if (lower === 'rtrim') {
    return { name, compare: (a, b) => compareCodePoints(trimEndSpaces(a), trimEndSpaces(b)), key: trimEndSpaces, matchFold: undefined };
  }
  const icu = /^([a-z]{2,3}|und)((?:-[a-z0-9]{2,8})*?)(?:-u-(.*))?(-x-icu)?$/.exec(lower);
  if (icu !== null && (icu[3] !== undefined || icu[4] !== undefined)) {
    const strength = /(?:^|-)ks-level([1-3])/.exec(icu[3] ?? '')?.[1] ?? '3';
    return icuCollation(name, icu[1] === 'und' ? 'und' : icu[1] + icu[2], strength === '1' ? 1 : strength === '2' ? 2 : 3);
  }
  const mssql = /_(ci|cs)_(ai|as)(?:_|$)/.exec(lower);
  if (mssql !== null) {
    const caseInsensitive = mssql[1] === 'ci';
    const accentInsensitive = mssql[2] === 'ai';
    const level = !caseInsensitive ? 3 : accentInsensitive ? 1 : 2;
    return icuCollation(name, lower.includes('latin1_general') ? 'en' : 'und', level);
  }
  return undefined;
}

/**
 * An ICU collation of `strength` 1 (base letters), 2 (and accents) or 3 (and case). Strength 3
 * is deterministic, as PostgreSQL makes it: ties that ICU calls equal are broken by code point.
 */
function icuCollation(name: string, locale: string, strength: 1 | 2 | 3): StringCollation {
  const sensitivity = strength === 1 ? 'base' : strength === 2 ? 'accent' : 'variant';
  // ICU's root order is English's (English has no tailoring); naming it keeps the machine's locale out.
  const collator = new Intl.Collator(locale === 'und' ? 'en' : locale, { sensitivity, usage: 'sort' });
  if (strength === 3) {
    return { name, compare: (a, b) => collator.compare(a, b) || compareCodePoints(a, b), key: (s) => s, matchFold: undefined };
  }
  // Compatibility forms and case are tertiary differences in ICU, so they fold at strengths 1
  // and 2; accents (combining marks after NFKD) are secondary and stay unless strength is 1.
  const key =
    strength === 1
      ? // At strength 1 'ß' equals 'ss' too, as its upper case 'SS' says.
        (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase().toLowerCase()
      : (s: string) => s.normalize('NFKD').toLowerCase();
  return { name, compare: (a, b) => collator.compare(a, b), key, matchFold: (s) => s.toLowerCase() };
}

/** By code point, not UTF-16 unit, so astral characters order as UTF-8 bytes do. */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done === cb.done ? 0 : ca.done ? -1 : 1;
    const da = ca.value.codePointAt(0)!;
    const db = cb.value.codePointAt(0)!;
    if (da !== db) return da < db ? -1 : 1;
  }
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function trimEndSpaces(s: string): string {
  return s.replace(/ +$/, '');
}

/** The error for a collation dtde cannot compare with on the client. */
export function unknownCollation(name: string, path: string): DtdeConfigurationError {
  return new DtdeConfigurationError(
    `${path}: dtde does not know how the collation '${name}' compares strings, so it could not merge or evaluate them as the engine does. ` +
      "Use a code-point collation ('BINARY', 'C', a SQL Server '_BIN2' name), SQLite's 'NOCASE', an ICU tag with a strength " +
      "('und-u-ks-level2' for case-insensitive) or a SQL Server '_CI_AS' / '_CI_AI' / '_CS_AS' collation.",
    { path },
  );
}
