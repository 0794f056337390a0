import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFeed, encodeFeed, feedFileName } from '../../src/application/feed-file.ts';

const feed = suite('feed files');
const header = {
  job: 'hard-sync' as const,
  runId: 'run-1',
  facilityGroupId: 'SHOPIFY_US',
  shop: 'acme.myshopify.com',
  locationId: 'gid://shopify/Location/1',
  createdAt: '2026-11-23T03:00:00.000Z',
};
const lines = [
  {
    productId: 'P1',
    inventoryItemId: 'gid://shopify/InventoryItem/1',
    locationId: 'gid://shopify/Location/1',
    quantity: 75,
    basis: 0,
  },
  {
    productId: 'P2',
    inventoryItemId: 'gid://shopify/InventoryItem/2',
    locationId: 'gid://shopify/Location/1',
    quantity: 3,
    basis: null,
  },
];

feed('a feed decodes to what was encoded', () => {
  const decoded = decodeFeed('f.jsonl', encodeFeed(header, lines));
  assert.ok(isRight(decoded));
  if (isRight(decoded)) {
    assert.equal(decoded.right.lines, lines);
    assert.equal(
      [decoded.right.header.job, decoded.right.header.lines, decoded.right.header.format],
      ['hard-sync', 2, 'oms-inventory-sync/feed@1'],
    );
  }
});

feed('a cut, empty or foreign file is refused naming its line', () => {
  const text = encodeFeed(header, lines);
  const cut = decodeFeed('f.jsonl', text.split('\n').slice(0, 2).join('\n'));
  assert.ok(isLeft(cut) && /announces 2 lines, the file has 1/.test(cut.left.reason));
  const empty = decodeFeed('f.jsonl', '');
  assert.ok(isLeft(empty) && empty.left.line === 1);
  const foreign = decodeFeed('f.jsonl', '{"hello":1}\n');
  assert.ok(isLeft(foreign) && foreign.left.line === 1);
  const badLine = decodeFeed('f.jsonl', text.replace('"quantity":3', '"quantity":3.5'));
  assert.ok(isLeft(badLine) && badLine.left.line === 3);
  const negative = decodeFeed('f.jsonl', text.replace('"quantity":75', '"quantity":-1'));
  assert.ok(isLeft(negative) && negative.left.line === 2);
  const broken = decodeFeed('f.jsonl', text.replace('"P1"', '"P1'));
  assert.ok(isLeft(broken) && broken.left.line === 2 && broken.left._tag === 'FeedFileInvalid');
});

feed('file names sort by creation time and keep only safe characters', () => {
  const early = feedFileName('push-changes', 'SHOPIFY/US ../x', 'run 1', new Date('2026-11-23T03:00:00Z'));
  const late = feedFileName('hard-sync', 'A', 'r', new Date('2026-11-23T03:15:00Z'));
  assert.ok(early < late);
  assert.match(early, /^[A-Za-z0-9_.-]+\.jsonl$/);
  assert.not.match(early, /\/|\.\./);
});

feed.run();
