import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lazily } from '../../src/application/lazily.ts';
import { run } from '../support/run.ts';

const lazy = suite('lazily');

lazy('the body runs when the task runs, once a run: building does nothing, running twice runs twice', async () => {
  let bodies = 0;
  const useCase = lazily((deps: { readonly start: number }) => {
    bodies++;
    const seen: number[] = [];
    seen.push(deps.start);
    return TE.right(seen.length);
  });
  const task = useCase({ start: 1 });
  assert.is(bodies, 0, 'building the task runs nothing');
  assert.equal([await run(task), await run(task)], [1, 1], 'each run has its own state');
  assert.is(bodies, 2);
});

lazy.run();
