import { compareValues } from '../linq/evaluate/compare-values.js';

/**
 * What a query's predicates allow the shard key to be: the algebra the shard resolver reasons in.
 *
 * A constraint is either `unknown` (we could not tell; every shard stays) or a set of key values:
 * a sorted list of disjoint, non-empty intervals over the key's ordered domain (a point is the
 * interval `[v, v]`) plus whether a null key may match. Intervals are ordered with
 * `compareValues` (code-point order for strings, by value for numbers and bigints, by instant for
 * dates), the same ordering the in-memory evaluator uses, so `and`, `or` and `not` are exact on sets.
 */

/** A non-null shard key value the resolver reasons about. Dates compare by instant. */
export type KeyValue = string | number | bigint | boolean | Date;

/** One end of an interval. */
export interface KeyBound {
  readonly value: KeyValue;
  readonly inclusive: boolean;
}

/** `lower`/`upper` null means unbounded on that side. */
export interface KeyInterval {
  readonly lower: KeyBound | null;
  readonly upper: KeyBound | null;
}

export interface UnknownConstraint {
  readonly kind: 'unknown';
}

export interface KeySetConstraint {
  readonly kind: 'set';
  /** Sorted, disjoint, non-empty, non-adjacent. */
  readonly intervals: readonly KeyInterval[];
  readonly includesNull: boolean;
}

/**
 * The shard key values a predicate can be true for (an over-approximation: never misses a value).
 *
 * @example
 * andConstraints(rangeConstraint('>=', 10), rangeConstraint('<', 20)) // [10, 20)
 */
export type ShardKeyConstraint = UnknownConstraint | KeySetConstraint;

/** Nothing is known: fan out. `unknown AND x = x`, `unknown OR x = unknown`, `NOT unknown = unknown`. */
export const UNKNOWN_CONSTRAINT: ShardKeyConstraint = Object.freeze({ kind: 'unknown' });
/** No key value (not even null) satisfies the predicate. */
export const EMPTY_CONSTRAINT: ShardKeyConstraint = Object.freeze({ kind: 'set', intervals: [], includesNull: false });
/** Every key value, null included; unlike `unknown`, this is exact (its complement is empty). */
export const UNIVERSE_CONSTRAINT: ShardKeyConstraint = Object.freeze({
  kind: 'set',
  intervals: [{ lower: null, upper: null }],
  includesNull: true,
});

/** Exactly these values (`k === v`, `[a, b].includes(k)`). */
export function pointsConstraint(values: readonly KeyValue[], includesNull = false): ShardKeyConstraint {
  const intervals = values.map((value) => ({ lower: { value, inclusive: true }, upper: { value, inclusive: true } }));
  return makeSet(intervals, includesNull);
}

/** Every non-null value `k` with `k op value`. */
export function rangeConstraint(op: '<' | '<=' | '>' | '>=', value: KeyValue, includesNull = false): ShardKeyConstraint {
  const bound = { value, inclusive: op === '<=' || op === '>=' };
  const interval = op === '<' || op === '<=' ? { lower: null, upper: bound } : { lower: bound, upper: null };
  return makeSet([interval], includesNull);
}

/** Any list of intervals (normalised here). */
export function intervalsConstraint(intervals: readonly KeyInterval[], includesNull = false): ShardKeyConstraint {
  return makeSet(intervals, includesNull);
}

export function andConstraints(a: ShardKeyConstraint, b: ShardKeyConstraint): ShardKeyConstraint {
  if (a.kind === 'unknown') return b;
  if (b.kind === 'unknown') return a;
  const out: KeyInterval[] = [];
  for (const x of a.intervals)
    for (const y of b.intervals) out.push({ lower: maxLower(x.lower, y.lower), upper: minUpper(x.upper, y.upper) });
  return makeSet(out, a.includesNull && b.includesNull);
}

export function orConstraints(a: ShardKeyConstraint, b: ShardKeyConstraint): ShardKeyConstraint {
  if (a.kind === 'unknown' || b.kind === 'unknown') return UNKNOWN_CONSTRAINT;
  return makeSet([...a.intervals, ...b.intervals], a.includesNull || b.includesNull);
}

/** Exact complement of a set (null included); `unknown` stays unknown. */
export function notConstraint(a: ShardKeyConstraint): ShardKeyConstraint {
  if (a.kind === 'unknown') return a;
  const out: KeyInterval[] = [];
  let lower: KeyBound | null = null;
  let open = true;
  for (const iv of a.intervals) {
    if (iv.lower !== null) out.push({ lower, upper: { value: iv.lower.value, inclusive: !iv.lower.inclusive } });
    if (iv.upper === null) {
      open = false;
      break;
    }
    lower = { value: iv.upper.value, inclusive: !iv.upper.inclusive };
  }
  if (open) out.push({ lower, upper: null });
  return makeSet(out, !a.includesNull);
}

/** Drop the null membership (for keys that can never be null). */
export function withoutNull(a: ShardKeyConstraint): ShardKeyConstraint {
  return a.kind === 'set' && a.includesNull ? { ...a, includesNull: false } : a;
}

/** True when the constraint lets `value` through (`unknown` lets everything through). */
export function constraintContains(c: ShardKeyConstraint, value: KeyValue | null): boolean {
  if (c.kind === 'unknown') return true;
  if (value === null) return c.includesNull;
  return c.intervals.some((iv) => intervalContains(iv, value));
}

/** Whether some value satisfies both; `unknown` on either side overlaps (sound: when unsure, keep). */
export function constraintsOverlap(a: ShardKeyConstraint, b: ShardKeyConstraint): boolean {
  return !isEmptyConstraint(andConstraints(a, b));
}

export function isEmptyConstraint(c: ShardKeyConstraint): boolean {
  return c.kind === 'set' && c.intervals.length === 0 && !c.includesNull;
}

/** The non-null values of a constraint made only of points, or null when it has a real range or is unknown. */
export function constraintPoints(c: ShardKeyConstraint): KeyValue[] | null {
  if (c.kind === 'unknown') return null;
  const points: KeyValue[] = [];
  for (const iv of c.intervals) {
    if (iv.lower === null || iv.upper === null || !iv.lower.inclusive || !iv.upper.inclusive) return null;
    if (cmp(iv.lower.value, iv.upper.value) !== 0) return null;
    points.push(iv.lower.value);
  }
  return points;
}

/** A short readable form for diagnostics and test messages: `{'EU'} ∪ [10, 20) ∪ null`. */
export function describeConstraint(c: ShardKeyConstraint): string {
  if (c.kind === 'unknown') return 'unknown';
  const parts = c.intervals.map((iv) => {
    if (iv.lower && iv.upper && iv.lower.inclusive && iv.upper.inclusive && cmp(iv.lower.value, iv.upper.value) === 0) {
      return `{${show(iv.lower.value)}}`;
    }
    const lo = iv.lower ? `${iv.lower.inclusive ? '[' : '('}${show(iv.lower.value)}` : '(-∞';
    const hi = iv.upper ? `${show(iv.upper.value)}${iv.upper.inclusive ? ']' : ')'}` : '+∞)';
    return `${lo}, ${hi}`;
  });
  if (c.includesNull) parts.push('null');
  return parts.length === 0 ? '∅' : parts.join(' ∪ ');
}

function show(v: KeyValue): string {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (typeof v === 'string') return JSON.stringify(v);
  return typeof v === 'bigint' ? `${v}n` : String(v);
}

function cmp(a: KeyValue, b: KeyValue): number {
  return compareValues(a, b);
}

function intervalContains(iv: KeyInterval, v: KeyValue): boolean {
  if (iv.lower) {
    const c = cmp(v, iv.lower.value);
    if (c < 0 || (c === 0 && !iv.lower.inclusive)) return false;
  }
  if (iv.upper) {
    const c = cmp(v, iv.upper.value);
    if (c > 0 || (c === 0 && !iv.upper.inclusive)) return false;
  }
  return true;
}

function isEmptyInterval(iv: KeyInterval): boolean {
  if (!iv.lower || !iv.upper) return false;
  const c = cmp(iv.lower.value, iv.upper.value);
  return c > 0 || (c === 0 && !(iv.lower.inclusive && iv.upper.inclusive));
}

/** The tighter of two lower bounds. */
function maxLower(a: KeyBound | null, b: KeyBound | null): KeyBound | null {
  if (!a) return b;
  if (!b) return a;
  const c = cmp(a.value, b.value);
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? b : a;
}

/** The tighter of two upper bounds. */
function minUpper(a: KeyBound | null, b: KeyBound | null): KeyBound | null {
  if (!a) return b;
  if (!b) return a;
  const c = cmp(a.value, b.value);
  if (c !== 0) return c < 0 ? a : b;
  return a.inclusive ? b : a;
}

/** The looser of two upper bounds (null = unbounded). */
function maxUpper(a: KeyBound | null, b: KeyBound | null): KeyBound | null {
  if (!a || !b) return null;
  const c = cmp(a.value, b.value);
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? a : b;
}

function compareLower(a: KeyBound | null, b: KeyBound | null): number {
  if (!a || !b) return a === b ? 0 : a ? 1 : -1;
  const c = cmp(a.value, b.value);
  if (c !== 0) return c;
  return a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1;
}

/** Sort, drop empties, merge overlapping and touching intervals: the canonical form. */
function makeSet(intervals: readonly KeyInterval[], includesNull: boolean): ShardKeyConstraint {
  const sorted = intervals.filter((iv) => !isEmptyInterval(iv)).sort((a, b) => compareLower(a.lower, b.lower));
  const out: KeyInterval[] = [];
  let cur: KeyInterval | undefined;
  for (const iv of sorted) {
    if (cur === undefined) {
      cur = iv;
      continue;
    }
    if (touches(cur, iv)) cur = { lower: cur.lower, upper: maxUpper(cur.upper, iv.upper) };
    else {
      out.push(cur);
      cur = iv;
    }
  }
  if (cur !== undefined) out.push(cur);
  return { kind: 'set', intervals: out, includesNull };
}

/** `b` starts no later than `a` ends (given a.lower <= b.lower): they overlap or meet with no gap. */
function touches(a: KeyInterval, b: KeyInterval): boolean {
  if (!a.upper || !b.lower) return true;
  const c = cmp(a.upper.value, b.lower.value);
  return c > 0 || (c === 0 && (a.upper.inclusive || b.lower.inclusive));
}
