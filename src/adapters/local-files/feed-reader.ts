import { readFile } from 'node:fs/promises';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { FeedReader } from '../../application/feed-file.ts';
import type { FileStoreError } from '../../application/file-store.ts';

/** Reads a feed file's text from the local copy any file store hands out. */
export const localFeedReader = (): FeedReader => ({
  readFeedText: (copy) =>
    TE.tryCatch(
      () => readFile(copy.path, 'utf8'),
      (cause): FileStoreError => ({
        _tag: 'FileStoreFailed',
        store: 'local',
        operation: 'readFeedText',
        path: copy.path,
        reason: cause instanceof Error ? cause.message : String(cause),
        retriable: false,
        cause,
      }),
    ),
});
