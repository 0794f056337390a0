import { constants, createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { FileContent, FileStore, FileStoreError, LocalCopy, StoredFile } from '../../application/file-store.ts';
import { isSafeFileName, safeFileName, safeFolder } from '../file-names.ts';

/** Options: the folder on disk that is the store's root (the inbox); relative paths resolve against the cwd. */
export interface LocalFileStoreOptions {
  readonly root: string;
}

// Errors that may pass on their own: a busy or exhausted system, a full disk someone may clear, a stale NFS handle.
const RETRIABLE_CODES = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'ENOSPC', 'ETIMEDOUT', 'ESTALE', 'EINTR']);

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// Thrown inside an operation for an outcome that is no exception of the file system, and passed through as it is.
class StoreRefusal extends Error {
  readonly refusal: FileStoreError;
  constructor(refusal: FileStoreError) {
    super(refusal._tag);
    this.refusal = refusal;
  }
}

/**
 * A file store on a folder of the local disk. `fetch` hands out the file itself (streamed through SHA-256, never read
 * whole) and its `release` does nothing; `move` is a rename; `write` writes a temp file in the target folder, syncs
 * it and renames it over the name, so readers see the old file or the whole new one. Symbolic links are never
 * followed: `list` shows regular files only, and `fetch`/`move` refuse anything else.
 */
export const localFileStore = (options: LocalFileStoreOptions): FileStore => {
  const root = resolve(options.root);
  const store = `local-files:${root}`;

  const failure =
    (operation: string, path: string) =>
    (error: unknown): FileStoreError => {
      if (error instanceof StoreRefusal) return error.refusal;
      const code = errorCode(error);
      if (code === 'ENOENT') return { _tag: 'FileNotFound', store, path, retriable: false };
      return {
        _tag: 'FileStoreFailed',
        store,
        operation,
        path,
        reason: errorMessage(error),
        retriable: code !== undefined && RETRIABLE_CODES.has(code),
        cause: error,
      };
    };
  const notRegular = (operation: string, path: string): StoreRefusal =>
    new StoreRefusal({
      _tag: 'FileStoreFailed',
      store,
      operation,
      path,
      reason: 'not a regular file',
      retriable: false,
    });

  const folderPath = (folder: string): E.Either<FileStoreError, string> =>
    pipe(
      safeFolder(store, folder),
      E.map((segments) => join(root, ...segments)),
    );
  const filePath = (folder: string, name: string): E.Either<FileStoreError, { folder: string; path: string }> =>
    pipe(
      folderPath(folder),
      E.chain((dir) =>
        pipe(
          safeFileName(store, name),
          E.map((n) => ({ folder: dir, path: join(dir, n) })),
        ),
      ),
    );

  const list = (folder: string): TE.TaskEither<FileStoreError, ReadonlyArray<StoredFile>> =>
    pipe(
      TE.fromEither(folderPath(folder)),
      TE.chain((dir) =>
        TE.tryCatch(
          async () => {
            const entries = await readdir(dir, { withFileTypes: true });
            const files = await Promise.all(
              entries
                .filter((entry) => entry.isFile() && isSafeFileName(entry.name))
                .map(async (entry): Promise<StoredFile | undefined> => {
                  // A file removed between the listing and its lstat is simply not listed.
                  const stats = await lstat(join(dir, entry.name)).catch((error: unknown) =>
                    errorCode(error) === 'ENOENT' ? undefined : Promise.reject(error),
                  );
                  return stats?.isFile() === true
                    ? { name: entry.name, size: stats.size, modifiedAt: stats.mtime }
                    : undefined;
                }),
            );
            return files.filter((file) => file !== undefined);
          },
          failure('list', dir),
        ),
      ),
    );

  const fetch = (folder: string, name: string): TE.TaskEither<FileStoreError, LocalCopy> =>
    pipe(
      TE.fromEither(filePath(folder, name)),
      TE.chain(({ path }) =>
        TE.tryCatch(
          async () => {
            // O_NOFOLLOW: a symbolic link fails to open (ELOOP) rather than leading elsewhere.
            const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) =>
              Promise.reject(errorCode(error) === 'ELOOP' ? notRegular('fetch', path) : error),
            );
            try {
              if (!(await handle.stat()).isFile()) throw notRegular('fetch', path);
              const hash = createHash('sha256');
              let bytes = 0;
              for await (const chunk of createReadStream(path, {
                fd: handle,
                autoClose: false,
              }) as AsyncIterable<Buffer>) {
                hash.update(chunk);
                bytes += chunk.length;
              }
              return { name, path, bytes, sha256: hash.digest('hex'), release: async () => undefined };
            } finally {
              await handle.close();
            }
          },
          failure('fetch', path),
        ),
      ),
    );

  const move = (
    fromFolder: string,
    toFolder: string,
    name: string,
    as: string = name,
  ): TE.TaskEither<FileStoreError, void> =>
    pipe(
      TE.fromEither(filePath(fromFolder, name)),
      TE.chain((from) =>
        pipe(
          TE.fromEither(filePath(toFolder, as)),
          TE.map((to) => ({ from, to })),
        ),
      ),
      TE.chain(({ from, to }) =>
        TE.tryCatch(
          async () => {
            if (!(await lstat(from.path)).isFile()) throw notRegular('move', from.path);
            await mkdir(to.folder, { recursive: true });
            await rename(from.path, to.path);
          },
          failure('move', from.path),
        ),
      ),
    );

  const write = (folder: string, name: string, content: FileContent): TE.TaskEither<FileStoreError, void> =>
    pipe(
      TE.fromEither(filePath(folder, name)),
      TE.chain((target) =>
        TE.tryCatch(
          async () => {
            await mkdir(target.folder, { recursive: true });
            // A temp name of its own per write: two writers of one name never write into the same temp file.
            const temp = join(target.folder, `.${name}.${randomBytes(6).toString('hex')}.part`);
            try {
              const handle = await open(temp, 'wx', 0o644);
              try {
                // A string, or its pieces as they come (writeFile takes an AsyncIterable as it is).
                await handle.writeFile(content, 'utf8');
                await handle.sync();
              } finally {
                await handle.close();
              }
              await rename(temp, target.path);
            } catch (error) {
              await rm(temp, { force: true }).catch(() => undefined);
              throw error;
            }
          },
          failure('write', target.path),
        ),
      ),
    );

  return { list, fetch, move, write };
};
