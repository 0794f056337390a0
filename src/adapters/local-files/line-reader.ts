import { createReadStream } from 'node:fs';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { FileStoreError } from '../../application/file-store.ts';
import type { LineCursor, LineReader, TextLine } from '../../application/line-reader.ts';

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * A cursor over a stream of bytes (a file, stdin), split at `\n`, pulled a few lines at a time: the stream is read
 * only as far as the lines asked for, and no line longer than `maxLineBytes` is ever held (its bytes are skipped
 * and the line is answered as `too-long`). `where` names the source in errors.
 */
export const lineCursorOf = (
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number,
  where: { readonly store: string; readonly path: string },
): LineCursor => {
  const iterator = chunks[Symbol.asyncIterator]();
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let chunk: Uint8Array | null = null;
  let offset = 0;
  let ended = false;
  let closed = false;
  let lineNumber = 0;
  // The line being assembled across chunks: its pieces (dropped once it is too long) and its length so far.
  let pieces: Uint8Array[] = [];
  let bytes = 0;
  let tooLong = false;

  const add = (piece: Uint8Array, copy: boolean) => {
    bytes += piece.length;
    if (tooLong) return;
    if (bytes > maxLineBytes) {
      tooLong = true;
      pieces = [];
    } else if (piece.length > 0) pieces.push(copy ? piece.slice() : piece);
  };

  const finishLine = (): TextLine => {
    lineNumber++;
    const line = lineNumber;
    const length = bytes;
    const parts = pieces;
    pieces = [];
    bytes = 0;
    if (tooLong) {
      tooLong = false;
      return { line, unreadable: 'too-long', bytes: length };
    }
    let whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (whole.length > 0 && whole[whole.length - 1] === RETURN) whole = whole.subarray(0, whole.length - 1);
    if (line === 1 && whole.length >= 3 && BOM.every((b, i) => whole[i] === b)) whole = whole.subarray(3);
    try {
      return { line, text: decoder.decode(whole) };
    } catch {
      return { line, unreadable: 'not-utf8', bytes: length };
    }
  };

  const failed = (cause: unknown): FileStoreError => ({
    _tag: 'FileStoreFailed',
    store: where.store,
    operation: 'readLines',
    path: where.path,
    reason: cause instanceof Error ? cause.message : String(cause),
    retriable: false,
    cause,
  });

  const next =
    (count: number): TaskEither<FileStoreError, ReadonlyArray<TextLine>> =>
    async () => {
      const out: TextLine[] = [];
      try {
        while (out.length < count && !ended && !closed) {
          if (chunk === null) {
            const read = await iterator.next();
            if (read.done === true) {
              ended = true;
              // The last line has no line break; an empty remainder is no line.
              if (bytes > 0 || tooLong) out.push(finishLine());
              break;
            }
            chunk = read.value;
            offset = 0;
          }
          const at = chunk.indexOf(NEWLINE, offset);
          if (at === -1) {
            // The rest of the chunk starts a line that goes on in the next one: keep a copy, not the whole chunk.
            add(chunk.subarray(offset), true);
            chunk = null;
          } else {
            add(chunk.subarray(offset, at), false);
            offset = at + 1;
            if (offset >= chunk.length) chunk = null;
            out.push(finishLine());
          }
        }
      } catch (cause) {
        return { _tag: 'Left', left: failed(cause) };
      }
      return { _tag: 'Right', right: out };
    };

  return {
    next,
    close: async () => {
      if (closed) return;
      closed = true;
      await iterator.return?.()?.catch(() => undefined);
    },
  };
};

/** Reads the local copy any file store hands out, line by line, 64 KiB at a time. */
export const localLineReader = (): LineReader => ({
  readLines:
    (copy, { maxLineBytes }) =>
    async () => ({
      _tag: 'Right',
      right: lineCursorOf(createReadStream(copy.path, { highWaterMark: 64 * 1024 }), maxLineBytes, {
        store: 'local',
        path: copy.path,
      }),
    }),
});
