import { constants, createReadStream, type Dirent } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, relative, resolve, sep } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type {
  FileContent,
  FileStore,
  FileStoreError,
  InboxUpkeep,
  LocalCopy,
  PassedOver,
  StoredFile,
} from '../../application/file-store.ts';
import {
  hiddenTempName,
  isLeftoverHiddenTemp,
  isSafeFileName,
  notAFolderReason,
  passedOverReason,
  removeLocalLeftovers,
  safeFileName,
  safeFolder,
  StoreRefusal,
} from '../file-names.ts';

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

/**
 * A file store on a folder of the local disk. `fetch` hands out the file itself (streamed through SHA-256, never read
 * whole) and its `release` does nothing; `move` is a rename; `write` writes a temp file in the target folder, syncs
 * it and renames it over the name, so readers see the old file or the whole new one. Symbolic links are never
 * followed: `list` shows regular files only (`passedOver` names the links and unsafe names it leaves out),
 * `fetch`/`move` refuse anything else, and a folder below the root (`archive`, `error`) that is a link is refused
 * with its path by every call that would go through it. The temp names `write` uses carry this process's pid, so
 * `removeLeftovers` removes those of ended processes only.
 */
export const localFileStore = (options: LocalFileStoreOptions): FileStore & InboxUpkeep => {
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

  const refused = (operation: string, path: string, reason: string): StoreRefusal =>
    new StoreRefusal({ _tag: 'FileStoreFailed', store, operation, path, reason, retriable: false });

  // Checks (and, when `create`, makes) the real folders from the root down to `dir`, one segment at a time with
  // lstat: a link or a file where a folder should be is refused with its path, so no call goes through a link.
  const realFolder = async (dir: string, create: boolean, operation: string): Promise<string> => {
    const below = relative(root, dir);
    const segments = below === '' ? [] : below.split(sep);
    // The root is the operator's to choose (it may be a link); only what lies below it is checked.
    if (create) await mkdir(root, { recursive: true });
    let at = root;
    for (const segment of segments) {
      at = join(at, segment);
      let stats = await lstat(at).catch((error: unknown) =>
        errorCode(error) === 'ENOENT' ? undefined : Promise.reject(error),
      );
      if (stats === undefined) {
        if (!create) throw new StoreRefusal({ _tag: 'FileNotFound', store, path: at, retriable: false });
        await mkdir(at).catch((error: unknown) => (errorCode(error) === 'EEXIST' ? undefined : Promise.reject(error)));
        stats = await lstat(at);
      }
      if (!stats.isDirectory()) throw refused(operation, at, notAFolderReason(at, stats.isSymbolicLink()));
    }
    return at;
  };

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

  // The entries of a folder (a real one: never through a link), and the folder's path, for `list` and `passedOver`.
  const entriesOf = <A>(
    folder: string,
    take: (dir: string, entries: ReadonlyArray<Dirent>) => Promise<A> | A,
  ): TE.TaskEither<FileStoreError, A> =>
    pipe(
      TE.fromEither(folderPath(folder)),
      TE.chain((dir) =>
        TE.tryCatch(
          async () => {
            await realFolder(dir, false, 'list');
            return take(dir, await readdir(dir, { withFileTypes: true }));
          },
          failure('list', dir),
        ),
      ),
    );

  const list = (folder: string): TE.TaskEither<FileStoreError, ReadonlyArray<StoredFile>> =>
    entriesOf(folder, async (dir, entries) => {
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
    });

  const fetch = (folder: string, name: string): TE.TaskEither<FileStoreError, LocalCopy> =>
    pipe(
      TE.fromEither(filePath(folder, name)),
      TE.chain(({ folder: dir, path }) =>
        TE.tryCatch(
          async () => {
            await realFolder(dir, false, 'fetch');
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
            await realFolder(from.folder, false, 'move');
            if (!(await lstat(from.path)).isFile()) throw notRegular('move', from.path);
            await realFolder(to.folder, true, 'move');
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
            await realFolder(target.folder, true, 'write');
            // A temp name of its own per write: two writers of one name never write into the same temp file.
            const temp = join(target.folder, hiddenTempName(name, true));
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

  const passedOver = (folder: string): TE.TaskEither<FileStoreError, ReadonlyArray<PassedOver>> =>
    entriesOf(folder, (_, entries) =>
      entries.flatMap((entry): PassedOver[] => {
        if (entry.isDirectory()) return [];
        if (entry.isSymbolicLink()) return [{ name: entry.name, reason: passedOverReason('link') }];
        if (!isSafeFileName(entry.name)) return [{ name: entry.name, reason: passedOverReason('unsafe-name') }];
        return entry.isFile() ? [] : [{ name: entry.name, reason: passedOverReason('not-regular') }];
      }),
    );

  const removeLeftovers = (folders: ReadonlyArray<string>): TE.TaskEither<FileStoreError, ReadonlyArray<string>> =>
    TE.tryCatch(
      async () => {
        const removed: string[] = [];
        const now = new Date();
        for (const folder of folders) {
          const dir = folderPath(folder);
          if (E.isLeft(dir)) throw new StoreRefusal(dir.left);
          const there = await realFolder(dir.right, false, 'list').catch((error: unknown) =>
            error instanceof StoreRefusal && error.refusal._tag === 'FileNotFound' ? undefined : Promise.reject(error),
          );
          if (there === undefined) continue;
          for (const name of await removeLocalLeftovers(there, (n, at) => isLeftoverHiddenTemp(n, at, now)))
            removed.push(folder === '' ? name : `${folder}/${name}`);
        }
        return removed;
      },
      failure('removeLeftovers', root),
    );

  return { list, fetch, move, write, passedOver, removeLeftovers };
};
