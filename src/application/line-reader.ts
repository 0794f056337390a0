import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { FileStoreError, LocalCopy } from './file-store.ts';

/**
 * One line of a text file, by its 1-based number: its text (without the line break, a `\r` before it or a UTF-8
 * byte order mark), or why it has none: longer than the reader's limit (never held whole), or not valid UTF-8.
 */
export type TextLine =
  | { readonly line: number; readonly text: string }
  | { readonly line: number; readonly unreadable: 'too-long' | 'not-utf8'; readonly bytes: number };

/** A file being read line by line, a few lines at a time: what is not asked for yet is not read. */
export interface LineCursor {
  /** The next lines, at most `count`; none once the file has ended. */
  readonly next: (count: number) => TaskEither<FileStoreError, ReadonlyArray<TextLine>>;
  /** Stops reading and frees the file (safe to call twice). */
  readonly close: () => Promise<void>;
}

/** Reading a local copy line by line in bounded memory: the longest line held is `maxLineBytes`. */
export interface LineReader {
  readonly readLines: (
    copy: LocalCopy,
    options: { readonly maxLineBytes: number },
  ) => TaskEither<FileStoreError, LineCursor>;
}
