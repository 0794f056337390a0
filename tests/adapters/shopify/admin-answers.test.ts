import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AdminAnswerCodec,
  BulkLevelLineCodec,
  BulkResultLineCodec,
  describeDecodeErrors,
  levelsDataCodec,
  SetDataCodec,
} from '../../../src/adapters/shopify/admin-answers.ts';

// The codecs of Shopify's answers on their own; the adapter's use of them is in shopify-inventory.test.ts.

/** What a decode that must fail says about the value, with the path from `root`. */
const problem = <A>(codec: t.Decoder<unknown, A>, value: unknown, root: string): string => {
  const decoded = codec.decode(value);
  if (E.isRight(decoded)) throw new Error(`decoded ${JSON.stringify(value)}`);
  return describeDecodeErrors(decoded.left, root);
};

const describe = suite('describeDecodeErrors: the first problem, at its path');

describe('object keys and array indexes make the path; union and intersection members do not (worked examples)', () => {
  assert.is(
    problem(SetDataCodec, { inventorySetQuantities: { userErrors: null } }, 'data'),
    'data.inventorySetQuantities.userErrors: expected Array<UserError>, got null',
  );
  assert.is(
    problem(SetDataCodec, { inventorySetQuantities: { userErrors: [{ message: 1 }] } }, 'data'),
    'data.inventorySetQuantities.userErrors.0.message: expected string, got 1',
  );
  assert.is(
    problem(levelsDataCodec(2), { i0: null }, 'data'),
    'data.i1: expected InventoryItem, got nothing',
    'an alias the answer lacks',
  );
  assert.is(problem(AdminAnswerCodec, 'Bad Gateway', 'answer'), 'answer: expected AdminAnswer, got "Bad Gateway"');
  assert.is(problem(BulkResultLineCodec, [], ''), 'the value: expected { __lineNumber: Int }, got []');
});

describe('a long value is cut at 80 characters', () => {
  const text = problem(SetDataCodec, { inventorySetQuantities: 'x'.repeat(200) }, 'data');
  assert.is(text, `data.inventorySetQuantities: expected InventorySetQuantitiesPayload, got "${'x'.repeat(76)}...`);
});

describe.run();

const lines = suite('bulk JSONL lines');

lines('a line of the bulk read: an item and its level at the one location asked about, or null', () => {
  const stocked = { id: 'I', inventoryLevel: { quantities: [{ name: 'available', quantity: -2 }] } };
  assert.equal(BulkLevelLineCodec.decode(stocked), E.right(stocked));
  assert.equal(
    BulkLevelLineCodec.decode({ id: 'I', inventoryLevel: null }),
    E.right({ id: 'I', inventoryLevel: null }),
  );
  assert.is(
    problem(BulkLevelLineCodec, { id: 'I', inventoryLevel: {} }, ''),
    'inventoryLevel.quantities: expected Array<InventoryQuantity>, got nothing',
  );
  assert.is(problem(BulkLevelLineCodec, { id: 7, inventoryLevel: null }, ''), 'id: expected string, got 7');
});

lines('a bulk mutation result line: its line number, and data or errors', () => {
  const ok = { data: { inventorySetQuantities: { userErrors: [] } }, __lineNumber: 3 };
  assert.equal(BulkResultLineCodec.decode(ok), E.right(ok));
  const failed = { errors: [{ message: 'Internal error' }], data: null, __lineNumber: 0 };
  assert.equal(BulkResultLineCodec.decode(failed), E.right(failed));
  assert.is(problem(BulkResultLineCodec, { data: null, __lineNumber: 1.5 }, ''), '__lineNumber: expected Int, got 1.5');
});

lines.run();
