import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import {
  DEFAULT_MAX_REPORTED,
  fromScaled,
  type HeldValue,
  type LedgerDisagreement,
  type LedgerFold,
  type LedgerProblemCounts,
  ledgerComparison,
  ledgerFolder,
  type StockTerm,
  toScaled,
} from '../domain/index.ts';
import type { InventoryLedger } from './inventory-ledger.ts';
import type { InventoryStore } from './inventory-store.ts';
import type { InventoryTerms, StockTermCursor, StockTermKind } from './inventory-terms.ts';
import type { StoreError } from './store-error.ts';

/** How the audit reads: entries and terms per call, and how many disagreements it lists. */
export interface AuditLedgerConfig {
  /** Ledger entries (and terms) read per call; default 10,000. */
  readonly pageSize?: number;
  /** Disagreements listed in the report (all are counted); default 1,000. */
  readonly maxReported?: number;
}

/** What the audit reads: the ledger, the positions (QOH and ATP) and the other terms. */
export type AuditLedgerDeps = Pick<InventoryLedger, 'ledgerEntries'> &
  Pick<InventoryStore, 'stockLevels'> &
  InventoryTerms;

/** The ledger folded from empty, compared with the positions and terms the store holds. */
export interface AuditLedgerReport {
  /** True when every position and term equals the fold and the ledger has no discontinuity. */
  readonly agrees: boolean;
  readonly entriesFolded: number;
  /** The highest sequence number folded (null: the ledger is empty). */
  readonly lastSequence: number | null;
  /**
   * True when entries were recorded after the fold by the time the store had been read: a disagreement may then be
   * that write rather than a fault (audit again to tell).
   */
  readonly ledgerMoved: boolean;
  readonly positionsChecked: number;
  /** Safety stock, threshold and brokering queue rows compared. */
  readonly termsChecked: number;
  readonly counts: LedgerProblemCounts;
  /** The first `maxReported` disagreements: the discontinuities in sequence order, then the others. */
  readonly disagreements: ReadonlyArray<LedgerDisagreement>;
}

const TERM_KINDS: ReadonlyArray<StockTermKind> = ['safety-stock', 'threshold', 'brokering-queue'];

/**
 * Folds the whole ledger (a page of `pageSize` entries a call) from empty, checking that each change starts where the
 * one before it on the same key ended, then compares the fold with every position (`stockLevels`: reserved = QOH -
 * ATP) and every stored term (`stockTerms`, a page a call), reporting each key that disagrees. It reads the ledger
 * first and the positions after it, not in one snapshot: a write during the audit can show as a disagreement that a
 * second audit no longer finds (`ledgerMoved` then says so). Writes nothing.
 */
export const auditLedger =
  (config: AuditLedgerConfig = {}): ReaderTaskEither<AuditLedgerDeps, StoreError, AuditLedgerReport> =>
  (deps) => {
    const pageSize = Math.max(1, Math.floor(config.pageSize ?? 10_000));
    const maxReported = config.maxReported ?? DEFAULT_MAX_REPORTED;
    const folder = ledgerFolder({ maxReported });
    const foldFrom = (after: number | null): TE.TaskEither<StoreError, LedgerFold> =>
      pipe(
        deps.ledgerEntries(after, pageSize),
        TE.flatMap((page) => {
          folder.add(page);
          return page.length < pageSize ? TE.right(folder.result()) : foldFrom(page[page.length - 1]!.sequence);
        }),
      );
    const termsFrom = (
      comparison: ReturnType<typeof ledgerComparison>,
      kind: StockTermKind,
      after: StockTermCursor | null,
    ): TE.TaskEither<StoreError, void> =>
      pipe(
        deps.stockTerms(kind, after, pageSize),
        TE.flatMap((page: ReadonlyArray<StockTerm>) => {
          comparison.check(page);
          const last = page[page.length - 1];
          return page.length < pageSize || last === undefined
            ? TE.right(undefined)
            : termsFrom(comparison, kind, {
                productId: last.productId,
                facilityId: last.kind === 'safety-stock' ? last.facilityId : '',
              });
        }),
      );
    return pipe(
      foldFrom(null),
      TE.flatMap((fold) => {
        const comparison = ledgerComparison(fold, { maxReported });
        return pipe(
          deps.stockLevels(),
          TE.flatMap((table) => {
            // Row by row off the columnar table, a page at a time: no object per position is kept.
            for (let start = 0; start < table.length; start += pageSize) {
              const page: HeldValue[] = [];
              for (let i = start; i < Math.min(table.length, start + pageSize); i++) {
                const qoh = table.quantityOnHand(i);
                page.push({
                  kind: 'position',
                  productId: table.productId(i),
                  facilityId: table.facilityId(i),
                  quantityOnHand: qoh,
                  reservedQuantity: fromScaled(toScaled(qoh) - toScaled(table.availableToPromise(i))),
                });
              }
              comparison.check(page);
            }
            return TE.right(undefined);
          }),
          TE.flatMap(() =>
            TERM_KINDS.reduce<TE.TaskEither<StoreError, void>>(
              (previous, kind) =>
                pipe(
                  previous,
                  TE.flatMap(() => termsFrom(comparison, kind, null)),
                ),
              TE.right(undefined),
            ),
          ),
          // Whether the ledger moved while the store was read: then a disagreement may be that write, not a fault.
          TE.flatMap(() => deps.ledgerEntries(fold.lastSequence, 1)),
          TE.map((since): AuditLedgerReport => {
            const { disagreements, counts, checked } = comparison.finish();
            return {
              agrees: Object.values(counts).every((n) => n === 0),
              entriesFolded: fold.entries,
              lastSequence: fold.lastSequence,
              ledgerMoved: since.length > 0,
              positionsChecked: checked.position,
              termsChecked: checked['safety-stock'] + checked.threshold + checked['brokering-queue'],
              counts,
              disagreements,
            };
          }),
        );
      }),
    );
  };

/** One disagreement as a line: the key, the problem, the ledger's value and the store's. */
export const formatDisagreement = (d: LedgerDisagreement): string => {
  const key = d.kind === 'position' || d.kind === 'safety-stock' ? `${d.productId} at ${d.facilityId}` : d.productId;
  const value = (v: LedgerDisagreement['folded']) =>
    v === null ? 'none' : typeof v === 'number' ? String(v) : `QOH ${v.quantityOnHand}, reserved ${v.reservedQuantity}`;
  return d.problem === 'discontinuity'
    ? `${d.kind} ${key}: discontinuity at sequence ${d.sequence}: the ledger had reached ${value(d.folded)}, the entry starts from ${value(d.actual)}`
    : `${d.kind} ${key}: ${d.problem === 'differs' ? 'differs' : d.problem === 'missing' ? 'missing from the store' : 'not in the ledger'}: ledger ${value(d.folded)}, store ${value(d.actual)}`;
};

const counted = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The report as lines: the counts, then each listed disagreement. */
export const formatAuditLedgerReport = (r: AuditLedgerReport): string => {
  const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
  const head =
    `${counted(r.entriesFolded, 'ledger entry', 'ledger entries')} folded${r.lastSequence === null ? '' : ` (through sequence ${r.lastSequence})`}, ` +
    `${counted(r.positionsChecked, 'position')} and ${counted(r.termsChecked, 'term')} checked: ` +
    (r.agrees
      ? 'the positions and terms agree with the ledger'
      : `${counted(total, 'disagreement')} (differs ${r.counts.differs}, missing ${r.counts.missing}, not in the ledger ${r.counts['not-in-ledger']}, discontinuity ${r.counts.discontinuity})`);
  const more = total > r.disagreements.length ? [`  ... and ${total - r.disagreements.length} more`] : [];
  const moved = r.ledgerMoved
    ? ['  (events were recorded during the audit: audit again to tell a concurrent write from a fault)']
    : [];
  return [head, ...r.disagreements.map((d) => `  ${formatDisagreement(d)}`), ...more, ...moved].join('\n');
};
