import { DtdeError } from './dtde-error.js';

/** A row cannot be routed to a shard (no shard holds its key value). */
export class DtdeRoutingError extends DtdeError {
  override readonly name = 'DtdeRoutingError';
  readonly code = 'DTDE_ROUTING';
  readonly entity: string;
  readonly keyValue: unknown;
  readonly availableShards: readonly string[];

  constructor(message: string, details: { entity: string; keyValue: unknown; availableShards: readonly string[]; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.entity = details.entity;
    this.keyValue = details.keyValue;
    this.availableShards = details.availableShards;
  }
}
