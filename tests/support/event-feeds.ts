// Event feeds for the tests: a JSON Lines and a CSV feed with every kind of line, what each reports, and the master
// data they refer to (products P1, P2; facilities WH, STORE).
import type { InventorySeed } from '../../src/application/inventory-store.ts';
import { run } from './run.ts';

export const event = (eventId: string, type: string, quantity: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    eventId,
    type,
    productId: 'P1',
    facilityId: 'WH',
    quantity,
    occurredAt: '2026-12-01T10:00:00Z',
    source: 'wms',
    ...extra,
  });

export const CSV_HEADER = 'eventId,type,productId,facilityId,toFacilityId,quantity,occurredAt,source,reason';

// A JSON Lines feed with every kind of line: applied, a duplicate within the file, refused, a conflict, a JSON
// syntax error, not an object, a field missing, fields invalid, a blank line, an over-long line, not UTF-8.
export const MIXED_JSONL = Buffer.concat([
  Buffer.from(
    [
      event('j1', 'received', 10),
      event('j2', 'reserved', 4),
      event('j1', 'received', 10),
      event('j3', 'released', 50),
      event('j1', 'received', 11),
      '{"eventId": "j4", "type": ',
      '[1, 2]',
      JSON.stringify({
        eventId: 'j5',
        type: 'received',
        productId: 'P1',
        facilityId: 'WH',
        quantity: 1,
        source: 'wms',
      }),
      event('j6', 'stolen', 1, { occurredAt: 'yesterday' }),
      '',
      event('j7', 'received', 1, { source: 'x'.repeat(300) }),
      event('j8', 'received', 2, { productId: 'NOPE' }),
      '',
    ].join('\n'),
  ),
  Buffer.from([0xff, 0xfe, 0x0a]),
  Buffer.from(`${event('j9', 'shipped', 2)}\n`),
]);

export const MIXED_JSONL_REJECTIONS = [
  [4, 'quantity', /^refused \(release-exceeds-reserved\): releasing 50 at WH, where 4 is reserved$/],
  [5, 'eventId', /^conflict: event j1 was recorded with another payload/],
  [6, '', /^not JSON: /],
  [7, '', /^not a JSON object: "\[1, 2\]"$/],
  [8, 'occurredAt', /^missing \(expected OccurredAt\)$/],
  [9, 'type', /^expected "received" \| .*, got "stolen"$/],
  [9, 'occurredAt', /^expected OccurredAt, got "yesterday"$/],
  [11, '', /^line too long: \d+ bytes, more than the 256 allowed$/],
  [12, 'productId', /^refused \(unknown-product\): no such product: NOPE$/],
  [13, '', /^not valid UTF-8$/],
] as const;

const csvLine = (...cells: string[]) => cells.join(',');
export const MIXED_CSV = `${[
  CSV_HEADER,
  csvLine('c1', 'received', 'P2', 'WH', '', '7', '2026-12-01T11:00:00Z', 'pos', ''),
  csvLine('c2', 'transferred', 'P2', 'WH', 'STORE', '3', '2026-12-01T11:05:00Z', 'pos', ''),
  csvLine('c3', 'adjusted', 'P2', 'STORE', '', '-1', '2026-12-01T11:06:00Z', 'pos', '"damaged, in transit"'),
  csvLine('c4', 'received', 'P2', 'WH', '', 'seven', '2026-12-01T11:07:00Z', 'pos', ''),
  csvLine('c5', 'received', 'P2', 'WH', '7', '2026-12-01T11:07:00Z', 'pos', ''),
  csvLine('c6', 'adjusted', 'P2', 'WH', '', '-2', '2026-12-01T11:08:00Z', 'pos', ''),
  csvLine('c7', 'threshold-set', 'P2', '', '', '2', '2026-12-01T11:09:00Z', 'pos', ''),
  csvLine('', 'received', 'P2', 'WH', '', '1', '2026-12-01T11:10:00Z', 'pos', ''),
  csvLine('c9', 'received', 'P2', 'W"H', '', '1', '2026-12-01T11:10:00Z', 'pos', ''),
].join('\r\n')}\r\n`;

export const MIXED_CSV_REJECTIONS = [
  [5, 'quantity', /^not a number: "seven"$/],
  [6, '', /^8 cells, the header has 9 /],
  [7, 'reason', /^refused \(missing-reason\): adjusted needs a reason/],
  [9, 'eventId', /^missing \(expected Identifier\)$/],
  [10, '', /^not a CSV record: a quote inside an unquoted cell \(cell 4\)$/],
] as const;

/** Products P1 and P2, facilities WH and STORE. */
export const seedFeedWorld = async (store: InventorySeed) => {
  await run(
    store.saveFacilities([
      { facilityId: 'WH', externalId: '1' },
      { facilityId: 'STORE', externalId: '2' },
    ]),
  );
  await run(
    store.saveProducts([
      { productId: 'P1', externalId: '9001' },
      { productId: 'P2', externalId: '9002' },
    ]),
  );
};
