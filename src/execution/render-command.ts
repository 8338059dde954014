import type { ShardCommandPlan } from '../planner/shard-query-plan.js';
import type { Dialect, RenderedSql } from '../sql/dialect.js';
import type { SelectStatement } from '../sql/sql-ast.js';
import { SqlRenderer, type TracedRendering } from '../sql/sql-renderer.js';

// Per dialect, the rendering of each planned statement (a cached plan's statements live as long
// as the plan; a WeakMap lets them go with it).
const renderings = new WeakMap<Dialect, WeakMap<SelectStatement, TracedRendering>>();

/**
 * A shard command's SQL text and parameters. A repeated query shape is planned once (see
 * PlanCache) and its commands reuse the planned statements, or copies with other parameter
 * values; a dialect whose text ignores values (`SqlRenderer.textIgnoresValues`) renders each
 * planned statement once, and a copy gets that text with its own values converted as the
 * renderer converts them. Rendering was the largest part of a cached lookup's own work. Any other
 * dialect renders every statement.
 *
 * @example
 * const { sql, parameters } = renderCommand(postgresDialect, plan.commands[0]);
 */
export function renderCommand(dialect: Dialect, command: ShardCommandPlan): RenderedSql {
  if (!(dialect instanceof SqlRenderer) || !dialect.textIgnoresValues) return dialect.renderSelect(command.statement);
  const bound = command.boundFrom;
  const planned = bound?.statement ?? command.statement;
  let byStatement = renderings.get(dialect);
  if (byStatement === undefined) renderings.set(dialect, (byStatement = new WeakMap()));
  let traced = byStatement.get(planned);
  if (traced === undefined) {
    try {
      traced = dialect.renderSelectTraced(planned);
    } catch {
      // The planned values cannot be written (a date past year 9999, say): this query's own values
      // may be fine, and if not, rendering them throws the error that names them.
      return dialect.renderSelect(command.statement);
    }
    byStatement.set(planned, traced);
  }
  if (bound === undefined) return traced.rendered;
  const { sources } = traced;
  const parameters = traced.rendered.parameters.map((parameter, i) => {
    const source = sources[i];
    if (source === undefined || !bound.values.has(source)) return parameter;
    return { ...parameter, value: dialect.toDbValue(bound.values.get(source), source.type) };
  });
  return { sql: traced.rendered.sql, parameters };
}
