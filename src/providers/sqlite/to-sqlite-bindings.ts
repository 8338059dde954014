import type { DriverParameters, TypedParameter } from '../database-driver.js';

/**
 * The parameters in the form better-sqlite3 binds: an array for `?` placeholders, an object
 * (keys without the `@`/`:`/`$` prefix) for named ones. A typed list (the dialect's
 * `BoundParameter[]`) binds by position when its names are positions (`'1'`, `'2'`), by name
 * otherwise; SQLite needs no declared types, so `sqlType` is ignored.
 */
export function toSqliteBindings(parameters: DriverParameters): readonly unknown[] | Readonly<Record<string, unknown>> {
  if (!Array.isArray(parameters)) return parameters;
  if (parameters.length === 0 || !parameters.every(isTypedParameter)) return parameters;
  const typed = parameters as readonly TypedParameter[];
  if (typed.every((p, index) => p.name === String(index + 1))) return typed.map((p) => p.value);
  const named: Record<string, unknown> = {};
  for (const p of typed) named[p.name.replace(/^[@:$]/, '')] = p.value;
  return named;
}

/** Bound values are never plain objects with these three keys (they are text, numbers, bigints, buffers, null). */
function isTypedParameter(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  const candidate = value as Partial<Record<keyof TypedParameter, unknown>>;
  return typeof candidate.name === 'string' && typeof candidate.sqlType === 'string' && 'value' in candidate;
}
