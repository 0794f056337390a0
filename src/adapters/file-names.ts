// The one rule every FileStore adapter applies to names and folders, so that no argument and no listed name can
// reach outside the store's folder tree.
import * as E from 'fp-ts/lib/Either.js';
import type { FileStoreError } from '../application/file-store.ts';

/** Whether `name` is a plain file name: not empty, not `.` or `..`, and without '/', '\\' or NUL. */
export const isSafeFileName = (name: string): boolean =>
  name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);

/** `name` when it is a plain file name, else `UnsafeFileName`. */
export const safeFileName = (store: string, name: string): E.Either<FileStoreError, string> =>
  isSafeFileName(name) ? E.right(name) : E.left({ _tag: 'UnsafeFileName', store, name, retriable: false });

/**
 * The segments of a folder relative to a store's root ('' is the root itself, 'a/b' is two levels down), or
 * `UnsafeFileName` when any segment is not a plain file name (so '/a', 'a/', 'a//b' and 'a/../b' are refused).
 */
export const safeFolder = (store: string, folder: string): E.Either<FileStoreError, ReadonlyArray<string>> =>
  folder === ''
    ? E.right([])
    : folder.split('/').every(isSafeFileName)
      ? E.right(folder.split('/'))
      : E.left({ _tag: 'UnsafeFileName', store, name: folder, retriable: false });
