import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { FileStoreError } from '../../application/file-store.ts';
import type { RejectedRow } from '../../application/import-inventory.ts';
import type { RowSpool, RowSpools } from '../../application/rejected-rows.ts';
import { lineCursorOf } from './line-reader.ts';

/** Options: where spools go (default: the OS temp dir). */
export interface LocalRowSpoolsOptions {
  readonly tempDir?: string;
}

// Rows are buffered up to this many characters, then written in one call.
const BUFFER_CHARS = 1 << 20;
const READ_BYTES = 1 << 16;

// The spool reads back only what it wrote: no line of it is refused as too long.
const NO_LIMIT = 2 ** 31;

/**
 * Row spools in temp files of the local disk, one JSON array a row. Each file is removed as soon as it is opened
 * (it lives on as long as its descriptor: nothing is left behind by a process that is killed, and nothing another
 * process does to the folder reaches it), written and read at explicit offsets, and closed by `release`.
 */
export const localRowSpools = (options: LocalRowSpoolsOptions = {}): RowSpools => ({
  openRowSpool: () =>
    TE.tryCatch(
      async (): Promise<RowSpool> => {
        const path = join(options.tempDir ?? tmpdir(), `.oms-inventory-sync-rows-${randomBytes(8).toString('hex')}`);
        const fd = openSync(path, 'wx+', 0o600);
        try {
          unlinkSync(path);
        } catch (error) {
          closeSync(fd);
          throw error;
        }
        let pending: string[] = [];
        let pendingChars = 0;
        let written = 0;
        let count = 0;
        let failure: unknown;
        let closed = false;
        const flush = () => {
          if (pending.length === 0 || failure !== undefined) return;
          const bytes = Buffer.from(pending.join(''), 'utf8');
          pending = [];
          pendingChars = 0;
          try {
            for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, written + at);
            written += bytes.length;
          } catch (error) {
            failure = error;
          }
        };
        async function* chunks(size: number): AsyncIterable<Uint8Array> {
          for (let at = 0; at < size; ) {
            const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, size - at));
            const n = readSync(fd, buffer, 0, buffer.length, at);
            if (n === 0) return;
            at += n;
            yield buffer.subarray(0, n);
          }
        }
        async function* rows(): AsyncIterable<RejectedRow> {
          flush();
          if (failure !== undefined) throw failure;
          const cursor = lineCursorOf(chunks(written), NO_LIMIT, { store: 'local', path: 'row spool' });
          try {
            for (;;) {
              const lines = await cursor.next(1_000)();
              if (lines._tag === 'Left') throw new Error(`row spool: ${lines.left._tag}`);
              if (lines.right.length === 0) return;
              for (const l of lines.right) {
                if (!('text' in l)) throw new Error(`row spool: line ${l.line} is ${l.unreadable}`);
                const [line, field, reason] = JSON.parse(l.text) as [number, string, string];
                yield { line, field, reason };
              }
            }
          } finally {
            await cursor.close();
          }
        }
        return {
          add: (row) => {
            count++;
            if (failure !== undefined) return;
            const text = `${JSON.stringify([row.line, row.field, row.reason])}\n`;
            pending.push(text);
            pendingChars += text.length;
            if (pendingChars >= BUFFER_CHARS) flush();
          },
          count: () => count,
          rows,
          release: async () => {
            if (closed) return;
            closed = true;
            pending = [];
            closeSync(fd);
          },
        };
      },
      (cause): FileStoreError => ({
        _tag: 'FileStoreFailed',
        store: 'local',
        operation: 'openRowSpool',
        path: options.tempDir ?? tmpdir(),
        reason: cause instanceof Error ? cause.message : String(cause),
        retriable: false,
        cause,
      }),
    ),
});
