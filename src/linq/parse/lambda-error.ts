import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import type { SourceSpan } from '../expression/expression.js';

/** Lines longer than this are shown as a window around the offending span. */
const MAX_LINE_WIDTH = 120;
const WINDOW_LEAD = 40;

/**
 * Renders the source line that contains `span.start` with a caret line (`^^^`) under the span.
 * Multi-line sources show only that line, prefixed with its line number.
 *
 * @example
 * formatLambdaCaret('c => c.a?.b', { start: 5, end: 11 });
 * // "    c => c.a?.b\n         ^^^^^^"
 */
export function formatLambdaCaret(source: string, span: SourceSpan): string {
  const start = Math.max(0, Math.min(span.start, source.length));
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = source.indexOf('\n', start);
  if (lineEnd === -1) lineEnd = source.length;
  let line = source.slice(lineStart, lineEnd).replace(/\r$/, '');
  let col = start - lineStart;
  // A span that runs past the end of its line is underlined to the end of the line.
  let width = Math.max(1, Math.min(span.end, lineStart + line.length) - start);

  if (line.length > MAX_LINE_WIDTH) {
    const from = Math.max(0, col - WINDOW_LEAD);
    const to = Math.min(line.length, from + MAX_LINE_WIDTH);
    const lead = from > 0 ? '…' : '';
    width = Math.max(1, Math.min(col + width, to) - col);
    line = lead + line.slice(from, to) + (to < line.length ? '…' : '');
    col = col - from + lead.length;
  }

  // Keep tabs so the caret lines up under tab-indented source.
  const pad = line.slice(0, col).replace(/[^\t]/g, ' ');
  const carets = '^'.repeat(width);
  if (!source.includes('\n')) return `    ${line}\n    ${pad}${carets}`;
  const lineNo = String(source.slice(0, lineStart).split('\n').length);
  const gutter = ' '.repeat(lineNo.length);
  return `  ${lineNo} | ${line}\n  ${gutter} | ${pad}${carets}`;
}

interface RewriteSignature {
  readonly test: RegExp;
  readonly hint: string;
}

// Patterns that build tools leave in Function.prototype.toString() output.
const REWRITES: readonly RewriteSignature[] = [
  {
    test: /\b__name\(/,
    hint:
      "`__name(...)` was inserted by esbuild's keepNames option (used by Vite, vitest and tsx). " +
      'Turn keepNames off for the code that defines query lambdas, or keep named functions out of query lambdas.',
  },
  {
    test: /\b__vite_ssr_import_\d*__|\b__vi_import_\d+__/,
    hint:
      'Vite/vitest rewrote an imported binding to `__vite_ssr_import_N__.name`. An imported value is a closure ' +
      'too: pass it through the params object, e.g. .where((c, p) => c.region === p.region, { region }).',
  },
  {
    test: /\(0,\s*[\w$]+\.[\w$]+\)|\b[\w$]+_\d+\.[\w$]/,
    hint:
      'A CommonJS build (tsc or Babel) rewrote an imported binding to `module_1.name` or `(0, module_1.fn)(...)`. ' +
      'An imported value is a closure too: pass it through the params object, e.g. ' +
      '.where((c, p) => c.region === p.region, { region }).',
  },
  {
    test: /\bcov_[\w$]+\(\)|__coverage__/,
    hint:
      'Coverage instrumentation (istanbul / nyc / babel-plugin-istanbul) inserted `cov_...()` counters into the ' +
      'lambda. Exclude the files that define query lambdas from coverage instrumentation, or use the v8 coverage ' +
      'provider (vitest --coverage.provider=v8), which does not rewrite source.',
  },
];

/**
 * Says how a build tool rewrote the lambda, when its source shows the signature of one
 * (esbuild keepNames, module-import rewrites, istanbul counters); undefined otherwise.
 */
export function toolchainRewriteHint(source: string): string | undefined {
  const hints = REWRITES.filter((r) => r.test.test(source)).map((r) => r.hint);
  if (hints.length === 0) return undefined;
  return `Hint: this lambda looks rewritten by a build tool. ${hints.join(' ')}`;
}

/**
 * Builds the DtdeTranslationError for an unsupported part of a lambda: the message (which must
 * name the problem and the fix), the offending source line with a caret line under `span`, and
 * a build-tool hint when the source shows a rewrite.
 */
export function lambdaError(message: string, source: string, span: SourceSpan): DtdeTranslationError {
  const hint = toolchainRewriteHint(source);
  const text = `${message}\n${formatLambdaCaret(source, span)}${hint ? `\n${hint}` : ''}`;
  return new DtdeTranslationError(text, { lambdaSource: source, position: { start: span.start, end: span.end } });
}
