import { isLeft } from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { invalidSeed, validSeed } from '../../src/application/channel-seed-rules.ts';

const test = suite('ChannelSeed rules');
const position = { productId: 'P1', facilityId: 'F1', quantityOnHand: -2, reservedQuantity: 0, safetyStock: 0.5 };

test('invalidSeed: valid entries (a negative QOH included) pass; every fault is named with its entry', () => {
  assert.is(invalidSeed('savePositions', [position]), null);
  assert.is(invalidSeed('saveThresholds', [{ productId: 'P1', threshold: 0 }]), null);
  const refused = invalidSeed('savePositions', [
    position,
    { ...position, reservedQuantity: -1, safetyStock: Number.NaN },
  ]);
  assert.is(refused?._tag, 'InventoryStoreFailed');
  assert.ok(refused?.reason.includes('entry 1 (P1)'), refused?.reason);
  assert.ok(
    refused?.reason.includes('reservedQuantity -1') && refused.reason.includes('safetyStock NaN'),
    refused?.reason,
  );
  assert.ok(invalidSeed('saveBrokeringQueue', [{ productId: 'P1', quantity: 2e9 }]) !== null);
  assert.ok(invalidSeed('saveThresholds', null) !== null);
});

test('validSeed: checks when the task runs, never when it is built; a refused call never runs the write', async () => {
  let ran = false;
  const write = () => {
    ran = true;
    return Promise.resolve({ _tag: 'Right' as const, right: undefined });
  };
  const task = validSeed('saveThresholds', null, write);
  assert.is(ran, false);
  assert.ok(isLeft(await task()));
  assert.is(ran, false);
  assert.equal(await validSeed('saveThresholds', [], TE.right(1))(), { _tag: 'Right', right: 1 });
});

test.run();
