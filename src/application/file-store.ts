import type { TaskEither } from 'fp-ts/lib/TaskEither.js';

/** A file in a store's folder, as listed. Names are plain file names: never a path, never `.` or `..`. */
export interface StoredFile {
  readonly name: string;
  readonly size: number;
  readonly modifiedAt: Date;
}

/** A file brought to the local disk (or already there), with what identifies its content. */
export interface LocalCopy {
  readonly name: string;
  /** Absolute path of a local file with the same bytes. */
  readonly path: string;
  readonly bytes: number;
  /** SHA-256 of the bytes, lowercase hex. */
  readonly sha256: string;
  /** Frees the local copy (deletes a downloaded temporary file; does nothing for a file that was local already). */
  readonly release: () => Promise<void>;
}

/** What can go wrong with a file store. `retriable` says whether the same call may succeed later. */
export type FileStoreError =
  | {
      readonly _tag: 'FileStoreUnavailable';
      readonly store: string;
      readonly reason: string;
      readonly retriable: true;
      readonly cause?: unknown;
    }
  | {
      readonly _tag: 'HostKeyMismatch';
      readonly store: string;
      readonly expected: string;
      readonly actual: string;
      readonly retriable: false;
    }
  | { readonly _tag: 'UnsafeFileName'; readonly store: string; readonly name: string; readonly retriable: false }
  | { readonly _tag: 'FileNotFound'; readonly store: string; readonly path: string; readonly retriable: false }
  | {
      readonly _tag: 'FileStoreFailed';
      readonly store: string;
      readonly operation: string;
      readonly path: string;
      readonly reason: string;
      readonly retriable: boolean;
      readonly cause?: unknown;
    };

/** What `FileStore.write` writes: a text, or a text in pieces (UTF-8). */
export type FileContent = string | AsyncIterable<string>;

/**
 * A folder tree holding the NetSuite exports: the inbox at its root, and the sub-folders `archive` and `error`.
 * Folder arguments are relative to the root ('' is the inbox itself); names are plain file names. An adapter refuses
 * any name that would leave its folder (a '/', '\\', '..', a NUL) with `UnsafeFileName`.
 */
export interface FileStore {
  /** The regular files directly in `folder`, in no particular order. */
  readonly list: (folder: string) => TaskEither<FileStoreError, ReadonlyArray<StoredFile>>;
  /** A local copy of `folder/name`, hashed while it is copied. */
  readonly fetch: (folder: string, name: string) => TaskEither<FileStoreError, LocalCopy>;
  /**
   * Moves `fromFolder/name` to `toFolder/as` (`as` defaults to `name`; creating `toFolder`); replaces a file of that
   * name already there. A caller that must keep the file already there moves under another name (`as`).
   */
  readonly move: (fromFolder: string, toFolder: string, name: string, as?: string) => TaskEither<FileStoreError, void>;
  /**
   * Writes `content` to `folder/name` (creating `folder`) so that readers never see it half written. Content given
   * as pieces is streamed as they come, never held whole (an error report of millions of rows); an exception while
   * they are produced fails the write, and nothing is left under the name.
   */
  readonly write: (folder: string, name: string, content: FileContent) => TaskEither<FileStoreError, void>;
}

/** An entry of a folder that `list` passes over (a symbolic link, a name that is not a plain file name), and why. */
export interface PassedOver {
  readonly name: string;
  readonly reason: string;
}

/** The upkeep of an inbox a run does besides taking its files: what it cannot take, and what killed runs left. */
export interface InboxUpkeep {
  /** The entries of `folder` that `list` leaves out and a person should hear of: links, names with a '\\'. */
  readonly passedOver: (folder: string) => TaskEither<FileStoreError, ReadonlyArray<PassedOver>>;
  /**
   * Removes what runs that were killed left behind: the hidden temp files of `write` in `folders` and the temp
   * copies of downloads, never a file a running process still uses. Answers the removed names.
   */
  readonly removeLeftovers: (folders: ReadonlyArray<string>) => TaskEither<FileStoreError, ReadonlyArray<string>>;
}
