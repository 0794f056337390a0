// The laziness and totality contract of every store: a task does its work when it is run, never when it is built
// (a write built and dropped changes nothing, a read sees the state of the moment it runs), and no task throws or
// rejects. One suite, run against every adapter (memory, PostgreSQL, SQLite).
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stockLevelsOf } from '../../../src/application/columnar.ts';
import type {
  BatchSettlement,
  FrozenBatch,
  ImportCommit,
  SalesChannel,
  Store,
  StoreError,
} from '../../../src/application/index.ts';
import { CHANNEL_FAC_GROUP, type ChannelFacilityGroup } from '../../../src/domain/index.ts';
import { run } from '../../support/run.ts';

/** A store under test and how to throw it away. */
export interface LazyStoreUnderTest {
  readonly store: Store;
  readonly dispose: () => Promise<void>;
}

/** One write, seeded and built but not run, with what its part of the state reads before and after it runs. */
interface BuiltWrite {
  readonly task: TaskEither<StoreError, unknown>;
  readonly observe: () => Promise<unknown>;
  readonly before: unknown;
  readonly after: unknown;
  /** What the task answers when run. */
  readonly answers?: unknown;
}

const AT = new Date('2026-12-01T10:00:00.000Z');
const LATER = new Date('2026-12-01T11:00:00.000Z');
const LOCATION = 'gid://shopify/Location/1';
const item = (key: string) => `gid://shopify/InventoryItem/${key}`;
const groupOf = (facilityGroupId: string): ChannelFacilityGroup => ({
  facilityGroupId,
  facilityGroupTypeId: CHANNEL_FAC_GROUP,
  facilityIds: ['F-a', 'F-b'],
});
const channelOf = (key: string): SalesChannel => ({
  facilityGroup: groupOf(`G-${key}`),
  shop: `${key.toLowerCase()}.myshopify.com`,
  locationId: LOCATION,
});
const batchOf = (key: string): FrozenBatch => ({
  fromLine: 0,
  toLine: 2,
  idempotencyKey: `run-lazy:${key}:0`,
  quantities: [
    { productId: `P-${key}`, inventoryItemId: item(key), locationId: LOCATION, quantity: 5, changeFromQuantity: 7 },
  ],
});
const settlementOf = (key: string): BatchSettlement => ({
  feed: `feed-${key}`,
  nextLine: 2,
  shop: channelOf(key).shop,
  confirmed: [{ inventoryItemId: item(key), locationId: LOCATION, quantity: 5, runId: 'run-lazy' }],
  failed: [
    {
      feed: `feed-${key}`,
      line: 1,
      productId: `P-${key}`,
      inventoryItemId: item(`${key}-2`),
      code: 'NOT_FOUND',
      message: 'gone',
    },
  ],
  at: AT,
});
const commitOf = (key: string): ImportCommit => ({
  runId: 'run-lazy',
  file: { name: `${key}.csv`, sha256: 'c'.repeat(64), bytes: 10 },
  outcome: 'applied',
  method: 'exact-atp',
  adjustments: [
    {
      productId: `P-${key}`,
      facilityId: `F-${key}`,
      quantityOnHandBefore: 0,
      quantityOnHandAfter: 7.5,
      availableToPromiseBefore: 0,
      availableToPromiseAfter: 5.5,
      fileQuantity: 5.5,
      created: true,
      line: 2,
    },
  ],
  counts: { rowsRead: 1, adjusted: 1, unchanged: 0, rejected: 0 },
  at: AT,
});

const stockOf = async (store: Store, productId: string) =>
  stockLevelsOf(await run(store.stockLevels())).filter((l) => l.productId === productId);
const isChanged = async (store: Store, productId: string) => (await run(store.changedProductIds())).includes(productId);
const runsOf = async (store: Store, runId: string) =>
  (await run(store.listRuns({ limit: 1000 }))).filter((r) => r.runId === runId).map((r) => r.outcome);
// Whether another owner could take the job's lease now; it gives the lease straight back, so the state is as before.
const leaseFree = async (store: Store, job: string) => {
  const taken = await run(store.acquireJobLock(job, 'owner-B', LATER, AT));
  if (taken) await run(store.releaseJobLock(job, 'owner-B'));
  return taken;
};
// Master data for an external id nothing has yet: read back by that id.
const byExternalId = (
  task: TaskEither<StoreError, void>,
  ids: () => TaskEither<StoreError, ReadonlyMap<string, string>>,
  externalId: string,
  id: string,
): BuiltWrite => ({
  task,
  observe: async () => (await run(ids())).get(externalId) ?? null,
  before: null,
  after: id,
});
// A product's online-ATP term, written for a product that has none: read back through the lookup, and the product
// marked changed.
const productTerm = async (
  store: Store,
  key: string,
  write: (productId: string) => TaskEither<StoreError, void>,
  term: 'threshold' | 'brokeringQueue',
  value: number,
): Promise<BuiltWrite> => {
  await run(store.saveProducts([{ productId: `P-${key}`, externalId: `x-${key}` }]));
  return {
    task: write(`P-${key}`),
    observe: async () => ({
      [term]: (await run(store.productInventory(`P-${key}`)))?.inventory[term],
      changed: await isChanged(store, `P-${key}`),
    }),
    before: { [term]: 0, changed: false },
    after: { [term]: value, changed: true },
  };
};
const receivedOf = (key: string) => ({
  eventId: `E-${key}`,
  type: 'received' as const,
  productId: `P-${key}`,
  facilityId: `F-${key}`,
  quantity: 4,
  occurredAt: AT.toISOString(),
  source: 'lazy-writes',
});
const startOf = (runId: string) => ({ runId, job: 'import' as const, parameters: {}, worker: 'w', startedAt: AT });
const scheduleOf = (key: string, skipAfter: Date | null = null) => ({
  job: 'push-changes' as const,
  key: `G-${key}`,
  cron: '*/15 * * * *',
  timezone: 'UTC',
  parameters: { facilityGroupId: `G-${key}` },
  paused: false,
  skipAfter,
  changedBy: 'operator',
  changedAt: AT,
});
const schedulesOf = async (store: Store, key: string) =>
  (await run(store.storedSchedules()))
    .filter((s) => s.key === `G-${key}`)
    .map((s) => [s.cron, s.skipAfter?.getTime() ?? null]);

// The methods that only read; every other method of `Store` is a write and must have its case below (the type
// checker refuses the contract when a new write has none).
type ReadMethod =
  | 'facilityIdsByExternalId'
  | 'productIdsByExternalId'
  | 'stockLevels'
  | 'importedFile'
  | 'appliedFiles'
  | 'variances'
  | 'changedProductIds'
  | 'salesChannel'
  | 'facilityGroup'
  | 'mappedProductPage'
  | 'mappedProducts'
  | 'ledgerHead'
  | 'changeCursor'
  | 'changedProducts'
  | 'ledger'
  | 'feedProgress'
  | 'failedLines'
  | 'knownLedger'
  | 'productSkus'
  | 'productInventory'
  | 'ledgerEntries'
  | 'stockTerms'
  | 'facilities'
  | 'productPage'
  | 'facilityGroups'
  | 'searchProducts'
  | 'runsPerDay'
  | 'listRuns'
  | 'runReport'
  | 'storedSchedules';
type WriteMethod = Exclude<keyof Store, ReadMethod>;

// Every write method of `Store` under its role, each on keys of its own, so that one store serves all of them.
const WRITES: {
  readonly [M in WriteMethod]: readonly [role: string, build: (store: Store, key: string) => Promise<BuiltWrite>];
} = {
  commitImport: [
    'InventoryStore',
    async (store, key) => ({
      task: store.commitImport(commitOf(key)),
      observe: async () => ({
        file: (await run(store.importedFile(`${key}.csv`, 'c'.repeat(64))))?.outcome ?? null,
        stock: await stockOf(store, `P-${key}`),
        variances: (await run(store.variances(`${key}.csv`))).length,
        changed: await isChanged(store, `P-${key}`),
      }),
      before: { file: null, stock: [], variances: 0, changed: false },
      after: {
        file: 'applied',
        stock: [{ productId: `P-${key}`, facilityId: `F-${key}`, quantityOnHand: 7.5, availableToPromise: 5.5 }],
        variances: 1,
        changed: true,
      },
      answers: 'committed',
    }),
  ],
  saveFacilities: [
    'InventorySeed',
    async (store, key) =>
      byExternalId(
        store.saveFacilities([{ facilityId: `F-${key}`, externalId: `x-${key}` }]),
        () => store.facilityIdsByExternalId(),
        `x-${key}`,
        `F-${key}`,
      ),
  ],
  saveProducts: [
    'InventorySeed',
    async (store, key) =>
      byExternalId(
        store.saveProducts([{ productId: `P-${key}`, externalId: `x-${key}` }]),
        () => store.productIdsByExternalId(),
        `x-${key}`,
        `P-${key}`,
      ),
  ],
  saveStockLevels: [
    'InventorySeed',
    async (store, key) => {
      const level = { productId: `P-${key}`, facilityId: `F-${key}`, quantityOnHand: 3, availableToPromise: 2 };
      return {
        task: store.saveStockLevels([level]),
        observe: () => stockOf(store, `P-${key}`),
        before: [],
        after: [level],
      };
    },
  ],
  saveFacilityGroup: [
    'ChannelSeed',
    async (store, key) => ({
      task: store.saveFacilityGroup(groupOf(`G-${key}`)),
      observe: () => run(store.facilityGroup(`G-${key}`)),
      before: null,
      after: groupOf(`G-${key}`),
    }),
  ],
  setFacilityGroupMember: [
    'ChannelSeed',
    async (store, key) => {
      await run(store.saveFacilityGroup({ ...groupOf(`G-${key}`), facilityIds: [] }));
      return {
        task: store.setFacilityGroupMember(`G-${key}`, groupOf(`G-${key}`).facilityIds[0]!, true),
        observe: () => run(store.facilityGroup(`G-${key}`)).then((g) => g?.facilityIds ?? null),
        before: [],
        after: [groupOf(`G-${key}`).facilityIds[0]!],
      };
    },
  ],
  saveSalesChannel: [
    'ChannelSeed',
    async (store, key) => {
      const channel = channelOf(key);
      await run(store.saveFacilityGroup(channel.facilityGroup));
      return {
        task: store.saveSalesChannel({ facilityGroupId: `G-${key}`, shop: channel.shop, locationId: LOCATION }),
        observe: () => run(store.salesChannel(`G-${key}`)),
        before: null,
        after: channel,
      };
    },
  ],
  saveProductSkus: [
    'ChannelSeed',
    async (store, key) => {
      await run(store.saveProducts([{ productId: `P-${key}`, externalId: `x-${key}` }]));
      return {
        task: store.saveProductSkus([{ productId: `P-${key}`, sku: `SKU-${key}` }]),
        observe: async () => (await run(store.productInventory(`P-${key}`)))?.sku ?? null,
        before: null,
        after: `SKU-${key}`,
      };
    },
  ],
  savePositions: [
    'ChannelSeed',
    async (store, key) => {
      await run(store.saveFacilities([{ facilityId: `F-${key}`, externalId: `x-${key}` }]));
      await run(store.saveProducts([{ productId: `P-${key}`, externalId: `x-${key}` }]));
      return {
        task: store.savePositions([
          { productId: `P-${key}`, facilityId: `F-${key}`, quantityOnHand: 5, reservedQuantity: 2, safetyStock: 1 },
        ]),
        observe: async () => ({ stock: await stockOf(store, `P-${key}`), changed: await isChanged(store, `P-${key}`) }),
        before: { stock: [], changed: false },
        after: {
          stock: [{ productId: `P-${key}`, facilityId: `F-${key}`, quantityOnHand: 5, availableToPromise: 3 }],
          changed: true,
        },
      };
    },
  ],
  saveThresholds: [
    'ChannelSeed',
    (store, key) =>
      productTerm(store, key, (productId) => store.saveThresholds([{ productId, threshold: 4 }]), 'threshold', 4),
  ],
  saveBrokeringQueue: [
    'ChannelSeed',
    (store, key) =>
      productTerm(
        store,
        key,
        (productId) => store.saveBrokeringQueue([{ productId, quantity: 6 }]),
        'brokeringQueue',
        6,
      ),
  ],
  recordEvents: [
    'InventoryLedger',
    async (store, key) => {
      await run(store.saveFacilities([{ facilityId: `F-${key}`, externalId: `x-${key}` }]));
      await run(store.saveProducts([{ productId: `P-${key}`, externalId: `x-${key}` }]));
      return {
        task: store.recordEvents([receivedOf(key)]),
        observe: async () => ({ stock: await stockOf(store, `P-${key}`), changed: await isChanged(store, `P-${key}`) }),
        before: { stock: [], changed: false },
        after: {
          stock: [{ productId: `P-${key}`, facilityId: `F-${key}`, quantityOnHand: 4, availableToPromise: 4 }],
          changed: true,
        },
      };
    },
  ],
  saveMappings: [
    'ProductMappingStore',
    async (store, key) => {
      const channel = channelOf(key);
      await run(store.saveProducts([{ productId: `P-${key}`, externalId: `x-${key}` }]));
      return {
        task: store.saveMappings(channel.shop, [
          { productId: `P-${key}`, sku: `SKU-${key}`, status: 'mapped', inventoryItemId: item(key) },
        ]),
        observe: async () => ({
          mapped: (await run(store.mappedProductPage(channel, null, 1000))).map((p) => [
            p.productId,
            p.inventoryItemId,
          ]),
          changed: await isChanged(store, `P-${key}`),
        }),
        before: { mapped: [], changed: false },
        after: { mapped: [[`P-${key}`, item(key)]], changed: true },
      };
    },
  ],
  moveCursor: [
    'ChangeLog',
    async (store, key) => {
      await run(store.saveProducts([{ productId: `P-${key}`, externalId: `x-${key}` }]));
      await run(store.saveThresholds([{ productId: `P-${key}`, threshold: 1 }]));
      const pending = async () =>
        (await run(store.changedProducts(`push:${key}`, null, 1000))).filter((c) => c.productId === `P-${key}`);
      const head = await run(store.ledgerHead());
      return {
        task: store.moveCursor(`push:${key}`, head),
        observe: async () => (await pending()).map((c) => c.productId),
        before: [`P-${key}`],
        after: [],
      };
    },
  ],
  freezeBatch: [
    'PushLedger',
    async (store, key) => ({
      task: store.freezeBatch(`feed-${key}`, batchOf(key)),
      observe: () => run(store.feedProgress(`feed-${key}`)),
      before: null,
      after: { nextLine: 0, pending: batchOf(key), scan: null },
    }),
  ],
  settleBatch: [
    'PushLedger',
    async (store, key) => {
      await run(store.freezeBatch(`feed-${key}`, batchOf(key)));
      return {
        task: store.settleBatch(settlementOf(key)),
        observe: async () => ({
          progress: await run(store.feedProgress(`feed-${key}`)),
          ledger: await run(store.ledger(channelOf(key).shop, LOCATION, [item(key)])),
          failed: (await run(store.failedLines(`feed-${key}`))).map((f) => f.line),
        }),
        before: { progress: { nextLine: 0, pending: batchOf(key), scan: null }, ledger: [], failed: [] },
        after: {
          progress: { nextLine: 2, pending: null, scan: null },
          ledger: settlementOf(key).confirmed,
          failed: [1],
        },
      };
    },
  ],
  acquireJobLock: [
    'JobLease',
    async (store, key) => ({
      task: store.acquireJobLock(`job-${key}`, 'owner-A', LATER, AT),
      observe: () => leaseFree(store, `job-${key}`),
      before: true,
      after: false,
      answers: true,
    }),
  ],
  releaseJobLock: [
    'JobLease',
    async (store, key) => {
      await run(store.acquireJobLock(`job-${key}`, 'owner-A', LATER, AT));
      return {
        task: store.releaseJobLock(`job-${key}`, 'owner-A'),
        observe: () => leaseFree(store, `job-${key}`),
        before: false,
        after: true,
      };
    },
  ],
  startRun: [
    'RunLog',
    async (store, key) => ({
      task: store.startRun(startOf(`run-${key}`)),
      observe: () => runsOf(store, `run-${key}`),
      before: [],
      after: ['running'],
    }),
  ],
  finishRun: [
    'RunLog',
    async (store, key) => {
      await run(store.startRun(startOf(`run-${key}`)));
      return {
        task: store.finishRun(`run-${key}`, {
          finishedAt: LATER,
          outcome: 'succeeded',
          counts: { rowsRead: 1 },
          error: null,
        }),
        observe: () => runsOf(store, `run-${key}`),
        before: ['running'],
        after: ['succeeded'],
      };
    },
  ],
  progressRun: [
    'RunLog',
    async (store, key) => {
      await run(store.startRun(startOf(`run-${key}`)));
      const progressOf = async () =>
        (await run(store.listRuns({ limit: 1000 }))).filter((r) => r.runId === `run-${key}`).map((r) => r.progress);
      return {
        task: store.progressRun(`run-${key}`, { step: 'rows', done: 5, total: 10, at: LATER }),
        observe: progressOf,
        before: [null],
        after: [{ step: 'rows', done: 5, total: 10, at: LATER }],
      };
    },
  ],
  saveSchedule: [
    'ScheduleBook',
    async (store, key) => ({
      task: store.saveSchedule(scheduleOf(key)),
      observe: () => schedulesOf(store, key),
      before: [],
      after: [['*/15 * * * *', null]],
    }),
  ],
  removeSchedule: [
    'ScheduleBook',
    async (store, key) => {
      await run(store.saveSchedule(scheduleOf(key)));
      return {
        task: store.removeSchedule('push-changes', `G-${key}`),
        observe: () => schedulesOf(store, key),
        before: [['*/15 * * * *', null]],
        after: [],
      };
    },
  ],
  takeSkip: [
    'ScheduleBook',
    async (store, key) => {
      await run(store.saveSchedule(scheduleOf(key, AT)));
      return {
        task: store.takeSkip('push-changes', `G-${key}`, LATER),
        observe: () => schedulesOf(store, key),
        before: [['*/15 * * * *', AT.getTime()]],
        after: [['*/15 * * * *', null]],
        answers: true,
      };
    },
  ],
  renewRun: [
    'RunLog',
    async (store, key) => {
      await run(store.startRun({ ...startOf(`run-${key}`), leaseUntil: AT }));
      const leaseOf = async () =>
        (await run(store.listRuns({ limit: 1000 })))
          .filter((r) => r.runId === `run-${key}`)
          .map((r) => r.leaseUntil?.getTime());
      return {
        task: store.renewRun(`run-${key}`, LATER),
        observe: leaseOf,
        before: [AT.getTime()],
        after: [LATER.getTime()],
      };
    },
  ],
};
const writes = Object.entries(WRITES) as ReadonlyArray<[WriteMethod, (typeof WRITES)[WriteMethod]]>;

const isEither = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  ((value as { _tag?: unknown })._tag === 'Left' || (value as { _tag?: unknown })._tag === 'Right');

// Long enough for a write started when its task was built (an eager adapter) to have reached the database.
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Registers and runs the contract suite for one adapter, on one store for the whole suite. */
export const lazyWritesContract = (adapter: string, open: () => Promise<LazyStoreUnderTest>): void => {
  const test = suite(`lazy and total store tasks: ${adapter}`);
  let subject: LazyStoreUnderTest;
  test.before(async () => {
    subject = await open();
  });
  test.after(async () => {
    await subject.dispose();
  });

  for (const [method, [role, build]] of writes) {
    test(`${role}.${method}: built and not run, it changes nothing; run, it applies`, async () => {
      const written = await build(subject.store, method);
      assert.equal(await written.observe(), written.before, 'before the write is built');
      await settle();
      assert.equal(await written.observe(), written.before, 'built but not run');
      const answer = await run(written.task);
      if ('answers' in written) assert.equal(answer, written.answers, 'what the write answers');
      assert.equal(await written.observe(), written.after, 'once run');
    });
  }

  test('a read built before a write sees the write when it runs', async () => {
    const { store } = subject;
    const key = 'reads';
    const channel = channelOf(key);
    const commit = commitOf(key);
    // Every read method of `Store`, built before the writes.
    const reads = {
      facilityIdsByExternalId: store.facilityIdsByExternalId(),
      productIdsByExternalId: store.productIdsByExternalId(),
      stockLevels: store.stockLevels(),
      importedFile: store.importedFile(commit.file.name, commit.file.sha256),
      variances: store.variances(commit.file.name),
      appliedFiles: store.appliedFiles(),
      changedProductIds: store.changedProductIds(),
      facilityGroup: store.facilityGroup(channel.facilityGroup.facilityGroupId),
      salesChannel: store.salesChannel(channel.facilityGroup.facilityGroupId),
      mappedProductPage: store.mappedProductPage(channel, null, 1000),
      mappedProducts: store.mappedProducts(channel, [`P-${key}`]),
      changedProducts: store.changedProducts(`push:${key}`, null, 1000),
      ledger: store.ledger(channel.shop, LOCATION, [item(key)]),
      knownLedger: store.knownLedger(channel.shop, LOCATION, [item(key)]),
      feedProgress: store.feedProgress(`feed-${key}`),
      failedLines: store.failedLines(`feed-${key}`),
      productSkus: store.productSkus(null, 1000),
      productInventory: store.productInventory(`P-${key}`),
      listRuns: store.listRuns({ limit: 1000 }),
      runReport: store.runReport(`run-${key}`),
      storedSchedules: store.storedSchedules(),
      ledgerEntries: store.ledgerEntries(null, 1000, { productId: `P-${key}` }),
      ledgerHead: store.ledgerHead(),
      changeCursor: store.changeCursor(`push:${key}`),
      stockTerms: store.stockTerms('threshold', null, 1000),
      facilities: store.facilities(),
      productPage: store.productPage(null, 1000),
      facilityGroups: store.facilityGroups(),
      searchProducts: store.searchProducts(`P-${key}`, null, 10),
      runsPerDay: store.runsPerDay({ from: new Date(0), to: new Date(Date.UTC(3000, 0)) }),
    } satisfies { readonly [M in ReadMethod]: TaskEither<StoreError, unknown> };
    await run(store.saveFacilities([{ facilityId: `F-${key}`, externalId: `x-${key}` }]));
    await run(store.saveProducts([{ productId: `P-${key}`, externalId: `x-${key}` }]));
    await run(store.commitImport(commit));
    await run(store.saveFacilityGroup(channel.facilityGroup));
    await run(store.saveSalesChannel({ facilityGroupId: `G-${key}`, shop: channel.shop, locationId: LOCATION }));
    await run(store.saveProductSkus([{ productId: `P-${key}`, sku: `SKU-${key}` }]));
    await run(
      store.saveMappings(channel.shop, [
        { productId: `P-${key}`, sku: `SKU-${key}`, status: 'mapped', inventoryItemId: item(key) },
      ]),
    );
    await run(store.settleBatch(settlementOf(key)));
    await run(store.startRun(startOf(`run-${key}`)));
    await run(store.saveSchedule(scheduleOf(`read-${key}`)));
    await run(store.recordEvents([receivedOf(key)]));
    await run(store.saveThresholds([{ productId: `P-${key}`, threshold: 2 }]));

    const head = await run(store.ledgerHead());
    assert.ok((await run(reads.ledgerHead)) === head && head > 0, 'the head read when the task runs');
    assert.is(await run(reads.changeCursor), null, 'no cursor yet');
    assert.is((await run(reads.facilityIdsByExternalId)).get(`x-${key}`), `F-${key}`);
    assert.is((await run(reads.productIdsByExternalId)).get(`x-${key}`), `P-${key}`);
    assert.ok(stockLevelsOf(await run(reads.stockLevels)).some((l) => l.productId === `P-${key}`));
    assert.is((await run(reads.importedFile))?.outcome, 'applied');
    assert.ok((await run(reads.appliedFiles)).some((f) => f.name === commit.file.name));
    assert.is((await run(reads.variances)).length, 1);
    assert.ok((await run(reads.changedProductIds)).includes(`P-${key}`));
    assert.equal(await run(reads.facilityGroup), channel.facilityGroup);
    assert.equal(await run(reads.salesChannel), channel);
    assert.equal(
      (await run(reads.mappedProductPage)).map((p) => p.productId),
      [`P-${key}`],
    );
    assert.equal(
      (await run(reads.mappedProducts)).map((p) => p.productId),
      [`P-${key}`],
    );
    assert.ok((await run(reads.changedProducts)).some((c) => c.productId === `P-${key}`));
    assert.equal(await run(reads.ledger), settlementOf(key).confirmed);
    assert.equal(await run(reads.feedProgress), { nextLine: 2, pending: null, scan: null });
    assert.equal(
      (await run(reads.failedLines)).map((f) => f.line),
      [1],
    );
    assert.ok((await run(reads.productSkus)).some((s) => s.sku === `SKU-${key}`));
    assert.is((await run(reads.productInventory))?.sku, `SKU-${key}`);
    assert.ok((await run(reads.listRuns)).some((r) => r.runId === `run-${key}`));
    assert.is((await run(reads.runReport))?.run.runId, `run-${key}`);
    assert.ok((await run(reads.storedSchedules)).some((s) => s.key === `G-read-${key}`));
    assert.equal(
      (await run(reads.ledgerEntries)).map((e) => e.event.type),
      ['reset', 'received', 'threshold-set'],
      'the import, the event and the setter, in the ledger in that order',
    );
    assert.ok((await run(reads.ledgerEntries)).some((e) => e.event.eventId === `E-${key}`));
    assert.ok((await run(reads.stockTerms)).some((t) => t.productId === `P-${key}` && t.quantity === 2));
    assert.ok((await run(reads.facilities)).some((f) => f.facilityId === `F-${key}`));
    assert.ok((await run(reads.productPage)).some((p) => p.productId === `P-${key}` && p.sku === `SKU-${key}`));
    assert.ok((await run(reads.facilityGroups)).some((g) => g.facilityGroupId === `G-${key}`));
    assert.equal(
      (await run(reads.searchProducts)).map((m) => m.productId),
      [`P-${key}`],
    );
    assert.ok((await run(reads.runsPerDay)).some((c) => c.outcome === 'running' && c.runs > 0));
  });

  test('a task run twice does its work twice, each time on the state of that moment', async () => {
    const { store } = subject;
    const start = store.startRun(startOf('run-twice'));
    assert.ok(isRight(await start()), 'the first run starts it');
    assert.ok(isLeft(await start()), 'the second finds it started');
  });

  test('no write throws when built or rejects when run, whatever it is handed: it answers an Either', async () => {
    const { store } = subject;
    const nothing = null as never;
    const unusable: { readonly [M in WriteMethod]: () => TaskEither<StoreError, unknown> } = {
      commitImport: () => store.commitImport(nothing),
      saveFacilities: () => store.saveFacilities(nothing),
      saveProducts: () => store.saveProducts(nothing),
      saveStockLevels: () => store.saveStockLevels(nothing),
      saveFacilityGroup: () => store.saveFacilityGroup(nothing),
      setFacilityGroupMember: () => store.setFacilityGroupMember(nothing, nothing, nothing),
      saveSalesChannel: () => store.saveSalesChannel(nothing),
      saveProductSkus: () => store.saveProductSkus(nothing),
      savePositions: () => store.savePositions(nothing),
      saveThresholds: () => store.saveThresholds(nothing),
      saveBrokeringQueue: () => store.saveBrokeringQueue(nothing),
      saveMappings: () => store.saveMappings(nothing, nothing),
      moveCursor: () => store.moveCursor(nothing, nothing),
      freezeBatch: () => store.freezeBatch(nothing, nothing),
      settleBatch: () => store.settleBatch(nothing),
      acquireJobLock: () => store.acquireJobLock(nothing, nothing, nothing, nothing),
      releaseJobLock: () => store.releaseJobLock(nothing, nothing),
      startRun: () => store.startRun(nothing),
      finishRun: () => store.finishRun(nothing, nothing),
      renewRun: () => store.renewRun(nothing, nothing),
      progressRun: () => store.progressRun(nothing, nothing),
      saveSchedule: () => store.saveSchedule(nothing),
      removeSchedule: () => store.removeSchedule(nothing, nothing),
      takeSkip: () => store.takeSkip(nothing, nothing, nothing),
      recordEvents: () => store.recordEvents(nothing),
    };
    for (const [method, build] of Object.entries(unusable)) {
      const task = build();
      const result = await task().catch((cause: unknown) => ({ rejected: String(cause) }));
      assert.ok(isEither(result), `${method} answered ${JSON.stringify(result)}`);
    }
    // The store still works afterwards.
    assert.is(await run(store.acquireJobLock('job-after', 'owner-A', LATER, AT)), true);
  });

  test.run();
};
