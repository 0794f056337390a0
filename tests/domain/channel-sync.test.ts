import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pairKey, planHardSync, resolveStaleQuantity } from '../../src/domain/index.ts';

const stale = suite('resolveStaleQuantity: the race with Shopify-side sales');

stale('worked examples: sales since the basis are taken off, a Shopify-side increase is not trusted', () => {
  // Hard Sync read 0, the OMS wants 75, two units sold on Shopify meanwhile (Shopify shows -2): 73.
  assert.is(resolveStaleQuantity({ target: 75, basis: 0, live: -2 }), 73);
  // The ledger says 10, the OMS moved to 7 (3 reserved in the OMS), Shopify sold 2 more: 5.
  assert.is(resolveStaleQuantity({ target: 7, basis: 10, live: 8 }), 5);
  // Shopify went up (a return, a manual edit): the OMS's target stands.
  assert.is(resolveStaleQuantity({ target: 7, basis: 10, live: 14 }), 7);
  // Sold out on Shopify beyond what the OMS knows: never below zero.
  assert.is(resolveStaleQuantity({ target: 3, basis: 10, live: 1 }), 0);
});

const quantity = fc.integer({ min: -1_000, max: 1_000_000 });
const whole = fc.integer({ min: 0, max: 1_000_000 });

stale('never above the OMS target, never below 0, the target itself when Shopify still holds the basis', () => {
  fc.assert(
    fc.property(whole, quantity, quantity, (target, basis, live) => {
      const q = resolveStaleQuantity({ target, basis, live });
      return (
        q >= 0 &&
        q <= target &&
        Number.isSafeInteger(q) &&
        resolveStaleQuantity({ target, basis, live: basis }) === target
      );
    }),
  );
});

stale('each unit Shopify sold since the basis lowers the result by one until it reaches 0 (no oversell)', () => {
  fc.assert(
    fc.property(whole, whole, fc.integer({ min: 0, max: 1_000 }), (target, basis, sold) => {
      const q = resolveStaleQuantity({ target, basis, live: basis - sold });
      return q === Math.max(0, target - sold);
    }),
  );
});

const plan = suite('planHardSync');

plan('a line per target with Shopify value as basis; items Shopify does not stock are set apart', () => {
  const shopify = new Map([
    [pairKey('I1', 'L'), 4],
    [pairKey('I2', 'L'), 9],
  ]);
  const result = planHardSync(
    [
      { productId: 'P1', inventoryItemId: 'I1', locationId: 'L', quantity: 75 },
      { productId: 'P2', inventoryItemId: 'I2', locationId: 'L', quantity: 9 },
      { productId: 'P3', inventoryItemId: 'I3', locationId: 'L', quantity: 1 },
    ],
    shopify,
  );
  assert.equal(result.lines, [
    { productId: 'P1', inventoryItemId: 'I1', locationId: 'L', quantity: 75, basis: 4 },
    { productId: 'P2', inventoryItemId: 'I2', locationId: 'L', quantity: 9, basis: 9 },
  ]);
  assert.equal(
    result.notStocked.map((t) => t.productId),
    ['P3'],
  );
});

plan('every target ends in exactly one of lines or notStocked, in order', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), whole, fc.option(whole, { nil: undefined })), {
        maxLength: 60,
      }),
      (rows) => {
        const targets = rows.map(([item, q], i) => ({
          productId: `P${i}`,
          inventoryItemId: `I${item}-${i}`,
          locationId: 'L',
          quantity: q,
        }));
        const shopify = new Map<string, number>();
        rows.forEach(([item, , live], i) => {
          if (live !== undefined) shopify.set(pairKey(`I${item}-${i}`, 'L'), live);
        });
        const result = planHardSync(targets, shopify);
        const seen = [...result.lines.map((l) => l.productId), ...result.notStocked.map((t) => t.productId)].sort();
        return (
          seen.length === targets.length &&
          new Set(seen).size === targets.length &&
          result.lines.every((l) => l.basis === shopify.get(pairKey(l.inventoryItemId, 'L')))
        );
      },
    ),
  );
});

stale.run();
plan.run();
