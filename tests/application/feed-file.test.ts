import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localFeedReader } from '../../src/adapters/local-files/feed-reader.ts';
import {
  decodeFeed,
  encodeFeed,
  feedFileName,
  feedLineCursor,
  feedPieces,
  readFeedHeader,
  scanFeed,
} from '../../src/application/feed-file.ts';
import type { LocalCopy } from '../../src/application/file-store.ts';
import { run } from '../support/run.ts';

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

feed('a feed is written in pieces of at most 1,000 lines, the same text as whole', () => {
  const many = Array.from({ length: 2500 }, (_, i) => ({ ...lines[0]!, productId: `P${i}` }));
  const pieces = [...feedPieces(header, many)];
  assert.is(pieces.length, 1 + 3);
  assert.is(pieces.join(''), encodeFeed(header, many));
  assert.ok(pieces.every((p) => p.split('\n').length - 1 <= 1000));
});

const onDisk = (text: string): { copy: LocalCopy; done: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-feed-file-'));
  writeFileSync(join(dir, 'f.jsonl'), text);
  return {
    copy: { name: 'f.jsonl', path: join(dir, 'f.jsonl'), bytes: 0, sha256: '', release: async () => undefined },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
};

feed('scanFeed reads a file line by line: its header and its candidates, or its first bad line', async () => {
  const equal = { ...lines[0]!, inventoryItemId: 'gid://shopify/InventoryItem/3', quantity: 5, basis: 5 };
  const good = onDisk(encodeFeed(header, [...lines, equal]));
  const summary = await run(scanFeed(localFeedReader(), good.copy, 'f.jsonl'));
  good.done();
  assert.ok(isRight(summary));
  if (isRight(summary)) assert.equal([summary.right.header.lines, summary.right.candidates], [3, 2]);
  const text = encodeFeed(header, lines);
  for (const [bad, line, reason] of [
    [text.split('\n').slice(0, 2).join('\n'), 2, /announces 2 lines, the file has 1/],
    ['', 1, /empty/],
    [text.replace('"quantity":3', '"quantity":3.5'), 3, /not a feed line/],
    [`{"hello":1}\n`, 1, /header/],
  ] as const) {
    const file = onDisk(bad);
    const scanned = await run(scanFeed(localFeedReader(), file.copy, 'f.jsonl'));
    file.done();
    assert.ok(isLeft(scanned) && scanned.left.line === line && reason.test(scanned.left.reason), bad);
  }
});

feed('readFeedHeader reads the first line only: the header, or why it is none', async () => {
  // The lines after the header are not read: a bad one (or a count the file does not hold) goes unnoticed here.
  const text = encodeFeed(header, lines);
  const cut = onDisk(`${text.split('\n')[0]}\nnot a feed line\n`);
  const read = await run(readFeedHeader(localFeedReader(), cut.copy, 'f.jsonl'));
  cut.done();
  assert.equal(read, { _tag: 'Right', right: { format: 'oms-inventory-sync/feed@1', ...header, lines: 2 } });
  for (const [bad, reason] of [
    ['', /empty/],
    [`{"hello":1}\n${text}`, /header/],
    ['{"format":\n', /header/],
  ] as const) {
    const file = onDisk(bad);
    const none = await run(readFeedHeader(localFeedReader(), file.copy, 'f.jsonl'));
    file.done();
    assert.ok(isLeft(none) && none.left.line === 1 && reason.test(none.left.reason), bad);
  }
});

feed('feedLineCursor answers the decoded lines after the header, a few at a time', async () => {
  const file = onDisk(encodeFeed(header, lines));
  const cursor = await run(feedLineCursor(localFeedReader(), file.copy, 'f.jsonl'));
  const first = await run(cursor.next(1));
  const rest = await run(cursor.next(10));
  const after = await run(cursor.next(10));
  await cursor.close();
  file.done();
  assert.equal([first, rest, after], [[lines[0]], [lines[1]], []]);
});

feed.run();
