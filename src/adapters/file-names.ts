// The one rule every FileStore adapter applies to names and folders, so that no argument and no listed name can
// reach outside the store's folder tree.
import { randomBytes } from 'node:crypto';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { fitName, MAX_NAME_BYTES, nameBytes } from '../application/file-name-limit.ts';
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

/**
 * Thrown inside an adapter's operation for an outcome that is no exception of the file system or the client (a
 * refused folder, a file not found on the way), and passed through as it is by the adapter's error mapping.
 */
export class StoreRefusal extends Error {
  readonly refusal: FileStoreError;
  constructor(refusal: FileStoreError) {
    super(refusal._tag);
    this.refusal = refusal;
  }
}

// Temp names. Each carries the pid of the process that made it (`p<pid>`), so that a later run can tell a leftover
// of a killed process from a file a live one is still using, on this machine. Names are fitted to the file system's
// limit (`fitName`), whatever the server's name.

/** How old a temp file without an owner this machine can check (an SFTP upload's, an earlier version's) must be. */
export const OWNERLESS_TEMP_MAX_AGE_MS = 60 * 60 * 1000;

const PROCESS_STARTED_AT = Date.now() - process.uptime() * 1000;

const DOWNLOAD_PREFIX = 'oms-inventory-sync-';
const OWNED_DOWNLOAD = /^oms-inventory-sync-p(\d+)-[0-9a-f]{16}-/;
const OWNERLESS_DOWNLOAD = /^oms-inventory-sync-[0-9a-f]{16}-/;
const OWNED_HIDDEN = /^\.[\s\S]+\.p(\d+)-[0-9a-f]{12}\.part$/;
const OWNERLESS_HIDDEN = /^\.[\s\S]+\.[0-9a-f]{12}\.part$/;

/** Whether process `pid` of this machine has ended: not running, or this process's pid on a file older than it. */
export const processEnded = (pid: number, modifiedAt: Date): boolean => {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return modifiedAt.getTime() < PROCESS_STARTED_AT - 1_000;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: a process of another user has that pid; it is running.
    return !(typeof error === 'object' && error !== null && 'code' in error && error.code === 'EPERM');
  }
};

/** The local name of a download's temp copy of `name`: this process's, unique, at most `MAX_NAME_BYTES`. */
export const downloadCopyName = (name: string): string => {
  const prefix = `${DOWNLOAD_PREFIX}p${process.pid}-${randomBytes(8).toString('hex')}-`;
  return `${prefix}${fitName(name, MAX_NAME_BYTES - nameBytes(prefix))}`;
};

/**
 * The hidden name `write` uploads or writes `name` under before renaming it: `.<name>.<owner-><12 hex>.part`, at most
 * `MAX_NAME_BYTES`. `owned`: the name carries this process's pid (a local folder, which only this machine writes).
 */
export const hiddenTempName = (name: string, owned: boolean): string => {
  const tail = `.${owned ? `p${process.pid}-` : ''}${randomBytes(6).toString('hex')}.part`;
  return `.${fitName(name, MAX_NAME_BYTES - 1 - nameBytes(tail))}${tail}`;
};

const leftover = (
  owned: RegExp,
  ownerless: RegExp,
  name: string,
  modifiedAt: Date,
  now: Date,
  ownersHere: boolean,
): boolean => {
  const pid = owned.exec(name)?.[1];
  if (pid !== undefined && ownersHere) return processEnded(Number(pid), modifiedAt);
  return ownerless.test(name) && now.getTime() - modifiedAt.getTime() > OWNERLESS_TEMP_MAX_AGE_MS;
};

/** Whether `name` in a temp dir is a download's copy left by a process that has ended (or, ownerless, an old one). */
export const isLeftoverDownloadCopy = (name: string, modifiedAt: Date, now: Date): boolean =>
  leftover(OWNED_DOWNLOAD, OWNERLESS_DOWNLOAD, name, modifiedAt, now, true);

/**
 * Whether `name` in a store's folder is a `write` temp file left by a process that has ended (or an ownerless one an
 * hour old). `ownersHere`: the folder is written by this machine only, so a pid in a name is one of its processes.
 */
export const isLeftoverHiddenTemp = (name: string, modifiedAt: Date, now: Date, ownersHere = true): boolean =>
  leftover(OWNED_HIDDEN, OWNERLESS_HIDDEN, name, modifiedAt, now, ownersHere);

/**
 * Removes the regular files of the local folder `dir` that `isLeftover` (given a name and its modification time)
 * calls leftovers; answers their names. Best effort: a folder that cannot be read, a file that cannot be removed,
 * stay for the next run.
 */
export const removeLocalLeftovers = async (
  dir: string,
  isLeftover: (name: string, modifiedAt: Date) => boolean,
): Promise<string[]> => {
  const removed: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const path = join(dir, entry.name);
    const stats = await lstat(path).catch(() => undefined);
    if (stats?.isFile() !== true || !isLeftover(entry.name, stats.mtime)) continue;
    if (
      await rm(path, { force: true }).then(
        () => true,
        () => false,
      )
    )
      removed.push(entry.name);
  }
  return removed;
};

/** Why a listed entry is passed over (a link, a name that is not a plain file name), said for its report. */
export const passedOverReason = (kind: 'link' | 'unsafe-name' | 'not-regular'): string =>
  kind === 'link'
    ? 'a symbolic link: links are never followed, so it is left where it is'
    : kind === 'unsafe-name'
      ? 'the name holds a backslash, which no name this job takes may hold, so the file is left where it is'
      : 'not a regular file (a device, socket or pipe), so it is left where it is';

/** Why the folder `path` of a store is refused: a link (never followed) or something else where a folder should be. */
export const notAFolderReason = (path: string, link: boolean): string =>
  link
    ? `${path} is a symbolic link where a folder should be: links are never followed; replace it with a real folder`
    : `${path} is not a folder`;
