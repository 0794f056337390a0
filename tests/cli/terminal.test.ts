import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { progressBar } from '../../src/cli/terminal.ts';

/** A terminal that records what is drawn. */
const terminal = (isTTY: boolean, columns = 120) => {
  const written: string[] = [];
  const stream = { isTTY, columns, write: (chunk: string) => written.push(chunk) > 0 };
  return { stream: stream as unknown as NodeJS.WriteStream, written };
};

const CLEAR = '\r\x1b[2K';

const bar = suite('progressBar');

bar('not a TTY: draws nothing at all', () => {
  const { stream, written } = terminal(false);
  const p = progressBar(stream);
  p.update({ job: 'import', step: 'files', done: 1, total: 2 });
  p.done();
  assert.equal(written, []);
});

bar('a known total: a bar of 30, the percentage rounded down, counts with thousands separators', () => {
  const { stream, written } = terminal(true);
  progressBar(stream).update({ job: 'process-uploads', step: 'lines', done: 1234, total: 4000 });
  assert.equal(written, [`${CLEAR}process-uploads [#########.....................] 30% 1,234/4,000 lines`]);
});

bar('an unknown total (or 0): a count only', () => {
  const { stream, written } = terminal(true);
  progressBar(stream).update({ job: 'hard-sync', step: 'products read', done: 25000, total: null });
  const other = terminal(true);
  progressBar(other.stream).update({ job: 'import', step: 'files', done: 0, total: 0 });
  assert.equal(written, [`${CLEAR}hard-sync: 25,000 products read`]);
  assert.equal(other.written, [`${CLEAR}import: 0 files`]);
});

bar('at most ten redraws a second, but the last step is always drawn', () => {
  const { stream, written } = terminal(true);
  const p = progressBar(stream);
  for (let done = 1; done <= 50; done++) p.update({ job: 'j', step: 's', done, total: 50 });
  assert.is(written.length, 2, 'the first and the last');
  assert.match(written[1]!, /100% 50\/50 s$/);
});

bar('a line is cut to the width of the terminal', () => {
  const { stream, written } = terminal(true, 20);
  progressBar(stream).update({ job: 'import', step: 'files (last: a-very-long-name.csv)', done: 1, total: null });
  assert.is(written[0]!.length, CLEAR.length + 19);
});

bar('done clears the line once, and only when something was drawn', () => {
  const { stream, written } = terminal(true);
  const p = progressBar(stream);
  p.done();
  assert.equal(written, []);
  p.update({ job: 'j', step: 's', done: 1, total: 1 });
  p.done();
  p.done();
  assert.equal(written.slice(1), [CLEAR]);
});

bar.run();
