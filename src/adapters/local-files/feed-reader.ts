import { FEED_MAX_LINE_BYTES, type FeedReader } from '../../application/feed-file.ts';
import { localLineReader } from './line-reader.ts';

/** Reads a feed file from the local copy any file store hands out, line by line, 64 KiB of the file at a time. */
export const localFeedReader = (): FeedReader => {
  const lines = localLineReader();
  return { readFeedLines: (copy) => lines.readLines(copy, { maxLineBytes: FEED_MAX_LINE_BYTES }) };
};
