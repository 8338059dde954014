import type Database from 'better-sqlite3';

/**
 * SQLite's `lower`, `upper` and `trim` only know ASCII, its `length` counts code points and its `%`
 * truncates non-integers, so
 * `'Chloé'.toUpperCase()` or `'😀'.length` would disagree with JavaScript, whose semantics dtde
 * promises. Every connection gets these JavaScript implementations, and the SQLite dialect calls
 * them instead of the built-ins. Deterministic, so SQLite may use them in indexes and ORDER BY.
 */
export const SQLITE_JS_FUNCTIONS = {
  dtde_lower: (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : s),
  dtde_upper: (s: unknown) => (typeof s === 'string' ? s.toUpperCase() : s),
  dtde_trim: (s: unknown) => (typeof s === 'string' ? s.trim() : s),
  dtde_length: (s: unknown) => (typeof s === 'string' ? s.length : s === null ? null : String(s).length),
  // JavaScript's % on non-integers; null for a zero divisor, as SQL gives for integers.
  dtde_mod: (a: unknown, b: unknown) => (a === null || b === null || Number(b) === 0 ? null : Number(a) % Number(b)),
} as const;

export function registerJsFunctions(db: Database.Database): void {
  for (const [name, fn] of Object.entries(SQLITE_JS_FUNCTIONS)) {
    db.function(name, { deterministic: true }, fn as (...args: unknown[]) => unknown);
  }
}
