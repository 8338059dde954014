import { DtdeValidationError } from '../errors/dtde-validation-error.js';
import { entityRowSchema } from './entity-row-schema.js';
import type { PendingChange } from './pending-change.js';

/**
 * Checks every pending change against its model before anything is sent: adds and updates must
 * fit every column (present unless nullable, right type, strings within their length); removes
 * need their key. Throws one `DtdeValidationError` listing every bad field of every entity.
 */
export function validateChanges(
  changes: readonly PendingChange[],
  operation: string,
  position: { readonly firstIndex?: number; readonly noun?: 'change' | 'row' } = {},
): void {
  const problems: { index: number; change: PendingChange; property: string; message: string }[] = [];
  changes.forEach((change, index) => {
    const object = change.object as Record<string, unknown>;
    if (typeof change.object !== 'object' || change.object === null) {
      problems.push({
        index,
        change,
        property: '',
        message: `is ${change.object === null ? 'null' : typeof change.object}, not an object`,
      });
      return;
    }
    if (change.kind === 'remove') {
      const values = change.from ?? object;
      for (const key of change.entity.key) {
        if (values[key] === undefined || values[key] === null) {
          problems.push({
            index,
            change,
            property: key,
            message: `key property '${key}' is ${values[key] === null ? 'null' : 'missing'}; a removed entity needs its key`,
          });
        }
      }
      return;
    }
    for (const p of entityRowSchema(change.entity).problems(change.object)) problems.push({ index, change, ...p });
  });
  if (problems.length === 0) return;
  const { firstIndex = 0, noun = 'change' } = position;
  const lines = problems.map((p) => `  - ${noun} ${firstIndex + p.index} (${p.change.kind} ${p.change.entity.name}): ${p.message}`);
  const first = problems[0];
  throw new DtdeValidationError(
    `${operation}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} found before anything was sent; nothing was written. ` +
      `Fix these and save again:\n${lines.join('\n')}`,
    { entity: first.change.entity.name, property: first.property || undefined, rowIndex: firstIndex + first.index },
  );
}
