// Run by tests/e2e/crash-recovery.test.ts in a child Node process (compiled to JavaScript): makes a
// save across several databases, or recovers one, and kills itself with SIGKILL at a chosen step
// of the commit protocol, as a crash would stop it: no cleanup, no finally, no rollback.
import diagnosticsChannel from 'node:diagnostics_channel';
import { TRANSACTION_STEP_CHANNEL, type TransactionStepMessage } from '../../../src/index.js';
import { plannedSave } from './crash-scenarios.js';
import { openWriteShopAt, type WriteShopPlace } from './write-shop.js';

const [where, mode, scenario, killAt] = process.argv.slice(2);
if (where === undefined || (mode !== 'save' && mode !== 'recover') || scenario === undefined || killAt === undefined) {
  throw new Error('usage: node crash-save.js <dir or place JSON> save|recover <scenario> <step[:participant]>');
}
const place: WriteShopPlace = where.startsWith('{') ? (JSON.parse(where) as WriteShopPlace) : { kind: 'sqlite', dir: where };
const [killStep, killParticipant] = killAt.split(':');

diagnosticsChannel.subscribe(TRANSACTION_STEP_CHANNEL, (message) => {
  const m = message as TransactionStepMessage;
  if (m.step === killStep && (killParticipant === undefined || String(m.participant) === killParticipant)) {
    process.kill(process.pid, 'SIGKILL');
  }
});

const ctx = openWriteShopAt(place, { recoverOnFirstWrite: false });
if (mode === 'save') {
  await plannedSave(ctx, scenario);
  await ctx.saveChanges();
} else {
  await ctx.recover();
}
await ctx.close();
console.log('finished without reaching the step');
