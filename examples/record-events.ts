// How an OMS service records stock changes: as inventory events in the ledger, each applied as a change to the
// position it touches, refused with its reason, or recognised as a replay. Uses the in-memory store; any store of
// the package (PostgreSQL, SQLite) takes the same calls. Run it with `npm run build && node examples/record-events.ts`.
import { isLeft } from 'fp-ts/lib/Either.js';
import { auditLedger, formatAuditLedgerReport, recordInventoryEvents } from 'oms-inventory-sync';
import { memoryInventoryStore } from 'oms-inventory-sync/adapters';

const store = memoryInventoryStore();
await store.saveFacilities([{ facilityId: 'WAREHOUSE_NJ', externalId: '101' }])();
await store.saveProducts([{ productId: 'SKU-100', externalId: '9001' }])();

const at = '2026-12-01T10:00:00Z';
const events = [
  {
    eventId: 'po-7-line-1',
    type: 'received',
    productId: 'SKU-100',
    facilityId: 'WAREHOUSE_NJ',
    quantity: 100,
    occurredAt: at,
    source: 'wms',
  },
  {
    eventId: 'order-1001',
    type: 'reserved',
    productId: 'SKU-100',
    facilityId: 'WAREHOUSE_NJ',
    quantity: 2,
    occurredAt: at,
    source: 'oms',
  },
  {
    eventId: 'order-1001-ship',
    type: 'shipped',
    productId: 'SKU-100',
    facilityId: 'WAREHOUSE_NJ',
    quantity: 2,
    occurredAt: at,
    source: 'oms',
  },
  // Shipping what is not reserved is refused; nothing of it is applied.
  {
    eventId: 'order-1002-ship',
    type: 'shipped',
    productId: 'SKU-100',
    facilityId: 'WAREHOUSE_NJ',
    quantity: 1,
    occurredAt: at,
    source: 'oms',
  },
  // A replay (the same eventId and payload) changes nothing.
  {
    eventId: 'order-1001',
    type: 'reserved',
    productId: 'SKU-100',
    facilityId: 'WAREHOUSE_NJ',
    quantity: 2,
    occurredAt: at,
    source: 'oms',
  },
];

const report = await recordInventoryEvents(events)(store)();
if (isLeft(report)) throw new Error(report.left.reason);
for (const o of report.right.outcomes)
  console.log(
    `${o.outcome === 'undecodable' ? `#${o.index}` : o.eventId}: ${o.outcome}${o.outcome === 'refused' ? ` (${o.reason})` : ''}`,
  );
const stock = await store.productInventory('SKU-100')();
if (isLeft(stock) || stock.right === null) throw new Error('SKU-100 is gone');
const [position] = stock.right.inventory.positions;
console.log(`SKU-100 at WAREHOUSE_NJ: QOH ${position?.quantityOnHand}, reserved ${position?.reservedQuantity}`);

// The positions are a projection of the ledger: the audit folds it from empty and finds nothing written behind it.
const audit = await auditLedger()(store)();
if (isLeft(audit)) throw new Error(audit.left.reason);
console.log(formatAuditLedgerReport(audit.right));
