import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { FileContent, FileStore, FileStoreError, LocalCopy, StoredFile } from '../../application/file-store.ts';
import { downloadCopyName, safeFileName, safeFolder, StoreRefusal } from '../file-names.ts';
import type { StoreOrm } from './orm.ts';

/** Options of the store's file store: where `fetch` puts its local copies (default the system's temp folder). */
export interface StoreFileStoreOptions {
  readonly tempDir?: string;
}

// A piece of a file's text as one row: a feed of a million lines is some 800 rows, none large.
const CHUNK_CHARS = 256 * 1024;
// Rows read at once by `fetch`: a few MB, then written out.
const CHUNKS_AT_ONCE = 8;

const STORE = 'store-outbox';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const pieces = async function* (content: FileContent): AsyncGenerator<string> {
  if (typeof content === 'string') yield content;
  else yield* content;
};

/**
 * A file store kept in the inventory store's database (`outbox_file`, `outbox_chunk`), written once over the
 * store's dialect seam, so PostgreSQL and SQLite alike: the feeds' outbox every worker sharing the store reaches.
 * `write` streams its content into pieces of 256 K characters and shows the file only at its commit (a write over a
 * name replaces that file in the same transaction); `fetch` streams the pieces into a local copy, hashing them;
 * `move` renames the row (replacing a file of that name there), so a file is in one folder at a time. A failed
 * statement is `FileStoreUnavailable` (retriable): the database may answer later.
 */
export const storeFileStore = (
  orm: Pick<StoreOrm, 'db' | 'transaction'>,
  options: StoreFileStoreOptions = {},
): FileStore => {
  const { db, transaction } = orm;
  const tempDir = options.tempDir ?? tmpdir();

  const guarded =
    <A>(operation: string, path: string, run: () => Promise<A>): TE.TaskEither<FileStoreError, A> =>
    async () => {
      try {
        return E.right(await run());
      } catch (error) {
        if (error instanceof StoreRefusal) return E.left(error.refusal);
        return E.left({
          _tag: 'FileStoreUnavailable',
          store: STORE,
          reason: `${operation} ${path}: ${messageOf(error)}`,
          retriable: true,
          cause: error,
        });
      }
    };
  const checked = (folder: string, name?: string): void => {
    const f = safeFolder(STORE, folder);
    if (E.isLeft(f)) throw new StoreRefusal(f.left);
    if (name === undefined) return;
    const n = safeFileName(STORE, name);
    if (E.isLeft(n)) throw new StoreRefusal(n.left);
  };
  const pathOf = (folder: string, name: string) => (folder === '' ? name : `${folder}/${name}`);
  const notFound = (folder: string, name: string) =>
    new StoreRefusal({ _tag: 'FileNotFound', store: STORE, path: pathOf(folder, name), retriable: false });

  return {
    list: (folder) =>
      guarded('list', folder, async () => {
        checked(folder);
        const rows = await db()
          .selectFrom('outbox_file')
          .select(['name', 'bytes', 'modified_at'])
          .where('folder', '=', folder)
          .execute();
        return rows.map(
          (r): StoredFile => ({ name: r.name, size: Number(r.bytes), modifiedAt: new Date(Number(r.modified_at)) }),
        );
      }),

    fetch: (folder, name) =>
      guarded('fetch', pathOf(folder, name), async (): Promise<LocalCopy> => {
        checked(folder, name);
        const file = await db()
          .selectFrom('outbox_file')
          .select(['content_id', 'bytes'])
          .where('folder', '=', folder)
          .where('name', '=', name)
          .executeTakeFirst();
        if (file === undefined) throw notFound(folder, name);
        const path = join(tempDir, downloadCopyName(name));
        const release = () => rm(path, { force: true });
        const out = createWriteStream(path, { mode: 0o600 });
        const hash = createHash('sha256');
        let bytes = 0;
        try {
          for (let seq = 0; ; ) {
            const rows = await db()
              .selectFrom('outbox_chunk')
              .select(['seq', 'text'])
              .where('content_id', '=', file.content_id)
              .where('seq', '>=', seq)
              .orderBy('seq')
              .limit(CHUNKS_AT_ONCE)
              .execute();
            if (rows.length === 0) break;
            for (const row of rows) {
              const piece = Buffer.from(row.text, 'utf8');
              hash.update(piece);
              bytes += piece.length;
              if (!out.write(piece)) await once(out, 'drain');
            }
            seq = Number(rows.at(-1)!.seq) + 1;
          }
          out.end();
          await once(out, 'finish');
        } catch (error) {
          out.destroy();
          await release();
          throw error;
        }
        // The file was replaced while it was read (its old content deleted): a later fetch reads the new one.
        if (bytes !== Number(file.bytes)) {
          await release();
          throw new Error(`read ${bytes} of its ${Number(file.bytes)} bytes: the file changed while it was read`);
        }
        return { name, path, bytes, sha256: hash.digest('hex'), release };
      }),

    move: (fromFolder, toFolder, name, as = name) =>
      guarded('move', pathOf(fromFolder, name), async () => {
        checked(fromFolder, name);
        checked(toFolder, as);
        if (fromFolder === toFolder && name === as) return;
        await transaction(async (trx) => {
          const file = await trx
            .selectFrom('outbox_file')
            .select('content_id')
            .where('folder', '=', fromFolder)
            .where('name', '=', name)
            .executeTakeFirst();
          if (file === undefined) throw notFound(fromFolder, name);
          const there = await trx
            .selectFrom('outbox_file')
            .select('content_id')
            .where('folder', '=', toFolder)
            .where('name', '=', as)
            .executeTakeFirst();
          if (there !== undefined) {
            await trx.deleteFrom('outbox_chunk').where('content_id', '=', there.content_id).execute();
            await trx.deleteFrom('outbox_file').where('folder', '=', toFolder).where('name', '=', as).execute();
          }
          // Only the one row that is still there moves: a move that lost a race to another finds nothing.
          const moved = await trx
            .updateTable('outbox_file')
            .set({ folder: toFolder, name: as, modified_at: Date.now() })
            .where('folder', '=', fromFolder)
            .where('name', '=', name)
            .executeTakeFirst();
          if (Number(moved.numUpdatedRows) !== 1) throw notFound(fromFolder, name);
        });
      }),

    write: (folder, name, content) =>
      guarded('write', pathOf(folder, name), async () => {
        checked(folder, name);
        await transaction(async (trx) => {
          const contentId = randomBytes(16).toString('hex');
          const hash = createHash('sha256');
          let bytes = 0;
          let seq = 0;
          let buffered = '';
          const flush = async () => {
            if (buffered === '') return;
            const piece = Buffer.from(buffered, 'utf8');
            hash.update(piece);
            bytes += piece.length;
            await trx.insertInto('outbox_chunk').values({ content_id: contentId, seq, text: buffered }).execute();
            seq++;
            buffered = '';
          };
          for await (const piece of pieces(content)) {
            buffered += piece;
            if (buffered.length >= CHUNK_CHARS) await flush();
          }
          await flush();
          const old = await trx
            .selectFrom('outbox_file')
            .select('content_id')
            .where('folder', '=', folder)
            .where('name', '=', name)
            .executeTakeFirst();
          if (old !== undefined) {
            await trx.deleteFrom('outbox_chunk').where('content_id', '=', old.content_id).execute();
            await trx.deleteFrom('outbox_file').where('folder', '=', folder).where('name', '=', name).execute();
          }
          await trx
            .insertInto('outbox_file')
            .values({
              folder,
              name,
              content_id: contentId,
              bytes,
              sha256: hash.digest('hex'),
              modified_at: Date.now(),
            })
            .execute();
        });
      }),
  };
};
