import type { CaseExpr, FunctionCallExpr, SqlExpr } from '../../sql/sql-ast.js';

// dtde's SQL functions in PostgreSQL, spelled so that they give the in-memory evaluator's
// (JavaScript's) answer where PostgreSQL's built-ins alone would not.

/**
 * A bigint zero: `0::int8 + x` is `x` widened to 64 bits when it is an integer, and `x` unchanged
 * when it is a numeric or a double (their sum with a bigint keeps their type).
 */
export const WIDEN = '0::int8';

/** What JavaScript's `String.prototype.trim` removes: WhiteSpace and LineTerminator code points. */
const JS_WHITESPACE =
  '\\u0009\\u000A\\u000B\\u000C\\u000D\\u0020\\u00A0\\u1680\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006' +
  '\\u2007\\u2008\\u2009\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';

/**
 * One function call of the SQL tree in PostgreSQL, its arguments already rendered.
 *
 * @example
 * renderPostgresFunction(sql.fn('length', col), ['"c"."name"']);
 * // (char_length("c"."name") + char_length(regexp_replace("c"."name", E'[^\\U00010000-\\U0010FFFF]', '', 'g')))
 */
export function renderPostgresFunction(node: FunctionCallExpr, args: readonly string[]): string {
  const [a, b] = args;
  switch (node.name) {
    case 'lower':
    case 'upper':
      // Unicode case mapping (ICU root, as JavaScript) whatever the database's LC_CTYPE; the
      // result compares and sorts by code point again.
      return `(${node.name}((${a}) COLLATE "und-x-icu") COLLATE "C")`;
    case 'trim':
      return `btrim(${a}, E'${JS_WHITESPACE}')`;
    case 'length':
      // char_length counts code points; each astral character is two UTF-16 units in JavaScript.
      return `(char_length(${a}) + char_length(regexp_replace(${a}, E'[^\\\\U00010000-\\\\U0010FFFF]', '', 'g')))`;
    case 'abs':
      return `abs(${WIDEN} + ${a})`; // abs(-2^31) does not fit an integer
    case 'floor':
    case 'ceil':
      // On the double, as JavaScript: a numeric column is converted first, so the result is a number.
      return `${node.name}((${a})::float8)`;
    case 'round': {
      // Halves away from zero (dtde's Math.round); round(float8) alone rounds halves to even.
      const v = `(${a})::float8`;
      return `(CASE WHEN abs(${v} - trunc(${v})) = 0.5 THEN trunc(${v}) + sign(${v}) ELSE round(${v}) END)`;
    }
    case 'least':
    case 'greatest': {
      // Math.min/Math.max with a null argument are null here; LEAST/GREATEST would skip it.
      const anyNull = args.map((x) => `${x} IS NULL`).join(' OR ');
      return `(CASE WHEN ${anyNull} THEN NULL ELSE ${node.name.toUpperCase()}(${args.join(', ')}) END)`;
    }
    case 'year':
    case 'month':
    case 'day':
      return `CAST(EXTRACT(${node.name.toUpperCase()} FROM (${a}) AT TIME ZONE 'UTC') AS integer)`;
    case 'fmod': {
      // JavaScript's % on doubles: the remainder keeps the dividend's sign; by zero it is NULL.
      const x = `(${a})::float8`;
      const y = `(${b})::float8`;
      return `(${x} - ${y} * trunc(${x} / NULLIF(${y}, 0)))`;
    }
    case 'sum_bigint':
      return `SUM(${a})`; // SUM of an integer is a bigint in PostgreSQL
    case 'count':
    case 'count_big':
      return args.length === 0 ? 'COUNT(*)' : `COUNT(${node.distinct ? 'DISTINCT ' : ''}${a})`;
    case 'sum':
      return `SUM(${node.distinct ? 'DISTINCT ' : ''}${a})`;
    case 'min':
    case 'max':
      return renderExtremum(node, a);
  }
}

/**
 * MIN/MAX as the evaluator compares (false < true for booleans). PostgreSQL has no MIN or MAX
 * of boolean, and the SQL tree does not say a column's type, so an argument that may be
 * boolean (a column, or a CASE or COALESCE over columns) is compared as a one-element array,
 * which works for every type with an order; a predicate used as a value is bool_and/bool_or;
 * anything else (arithmetic, functions) is a plain MIN/MAX.
 */
function renderExtremum(node: FunctionCallExpr, a: string): string {
  const [arg] = node.args;
  const fn = node.name.toUpperCase();
  if (arg.kind === 'case' && isFlagCase(arg)) return `${node.name === 'max' ? 'bool_or' : 'bool_and'}(${a})`;
  if (arg.kind === 'column' || arg.kind === 'case' || arg.kind === 'coalesce') {
    return `(${fn}(ARRAY[${a}]) FILTER (WHERE ${a} IS NOT NULL))[1]`;
  }
  return `${fn}(${node.distinct ? 'DISTINCT ' : ''}${a})`;
}

/** The literal 0 or 1: the planner's boolean flags and falsy tests. */
export function isZeroOrOne(e: SqlExpr): boolean {
  return e.kind === 'literal' && (e.value === 0 || e.value === 1);
}

/** `CASE WHEN p THEN 1 ELSE 0 END`: a predicate used as a value. */
export function isFlagCase(n: CaseExpr): boolean {
  return n.else !== null && isZeroOrOne(n.else) && n.whens.every((w) => isZeroOrOne(w.then));
}
