import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import {
  leaseLostReason,
  withLease,
  type JobLease,
  type LeaseLost,
  type LeaseOptions,
} from '../../src/application/job-lease.ts';
import type { StoreError } from '../../src/application/store-error.ts';
import { storeUnavailable } from '../support/channel-world.ts';
import { run, runLeft } from '../support/run.ts';

// Real timers and short leases: a lease of 60 ms is renewed every 20 ms.
const LEASE: LeaseOptions = { job: 'hard-sync:acme', owner: 'worker-a', ms: 60 };
const clock = { now: () => new Date() };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const far = () => new Date(Date.now() + 60_000);

/** Resolves when the signal fires; fails the test when it does not within `ms`. */
const aborted = (signal: AbortSignal, ms = 2_000): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(() => reject(new Error(`the signal did not fire within ${ms} ms`)), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** The memory store's lease, with every call recorded in order. */
const recordedLease = (lease: JobLease = memoryInventoryStore()) => {
  const log: string[] = [];
  const takes: Array<{ owner: string; until: number; now: number }> = [];
  const recorded: JobLease = {
    acquireJobLock: (job, owner, until, now) => async () => {
      takes.push({ owner, until: until.getTime(), now: now.getTime() });
      const result = await lease.acquireJobLock(job, owner, until, now)();
      log.push(`acquire ${owner} ${E.isRight(result) ? result.right : 'error'}`);
      return result;
    },
    releaseJobLock: (job, owner) => async () => {
      log.push(`release ${owner}`);
      return lease.releaseJobLock(job, owner)();
    },
  };
  return {
    store: lease,
    lease: recorded,
    log,
    takes,
    renewals: () => takes.filter((t) => t.owner === LEASE.owner).length - 1,
  };
};

/** Whether `owner` could take the lease now (and then gives it back, so the probe changes nothing). */
const free = async (lease: JobLease, owner = 'worker-b'): Promise<boolean> => {
  const taken = await run(lease.acquireJobLock(LEASE.job, owner, far(), new Date()));
  if (taken) await run(lease.releaseJobLock(LEASE.job, owner));
  return taken;
};

const taking = suite('withLease: taking the lease and giving it back');

taking(
  'a free lease: the run gets a live signal, its value comes back as ran, and the lease is free again',
  async () => {
    const { lease, log } = recordedLease();
    let heldDuringRun: boolean | null = null;
    const outcome = await run(
      withLease({ ...lease, ...clock }, LEASE, (signal) => async () => {
        assert.is(signal.aborted, false);
        heldDuringRun = !(await free(lease));
        return E.right(42);
      }),
    );
    assert.equal(outcome, { _tag: 'ran', value: 42 });
    assert.is(heldDuringRun, true, 'another owner cannot take the lease while the run goes on');
    assert.ok(await free(lease), 'released after the run');
    assert.equal(log.slice(0, 2), ['acquire worker-a true', 'acquire worker-b false']);
  },
);

taking('the lease is taken for `ms` from now', async () => {
  const { lease, takes } = recordedLease();
  await run(withLease({ ...lease, now: () => new Date(Date.UTC(2026, 10, 22)) }, LEASE, () => TE.right(undefined)));
  assert.equal(takes[0], { owner: 'worker-a', until: Date.UTC(2026, 10, 22) + 60, now: Date.UTC(2026, 10, 22) });
});

taking('busy: while another owner holds the lease nothing runs, and that lease stays as it was', async () => {
  const { lease, log } = recordedLease();
  await run(lease.acquireJobLock(LEASE.job, 'worker-b', far(), new Date()));
  let ran = false;
  const outcome = await run(
    withLease({ ...lease, ...clock }, LEASE, () => {
      ran = true;
      return TE.right(1);
    }),
  );
  assert.equal(outcome, { _tag: 'busy' });
  assert.is(ran, false);
  assert.is(await free(lease, 'worker-c'), false, "worker-b's lease is not released by the busy run");
  assert.equal(log.slice(0, 2), ['acquire worker-b true', 'acquire worker-a false']);
});

taking('a lease that lapsed is taken over', async () => {
  const { lease } = recordedLease();
  await run(lease.acquireJobLock(LEASE.job, 'worker-b', new Date(Date.now() - 1), new Date(Date.now() - 1000)));
  assert.equal(await run(withLease({ ...lease, ...clock }, LEASE, () => TE.right('mine'))), {
    _tag: 'ran',
    value: 'mine',
  });
});

taking('a store error taking the lease is the outcome, and nothing runs', async () => {
  const lease: JobLease = {
    acquireJobLock: () => TE.left(storeUnavailable()),
    releaseJobLock: () => TE.right(undefined),
  };
  let ran = false;
  const error = await runLeft(
    withLease({ ...lease, ...clock }, LEASE, () => {
      ran = true;
      return TE.right(1);
    }),
  );
  assert.equal(error, storeUnavailable());
  assert.is(ran, false);
});

taking('a run that fails: its error comes back and the lease is released', async () => {
  const { lease } = recordedLease();
  const error = await runLeft(withLease({ ...lease, ...clock }, LEASE, () => TE.left({ _tag: 'Boom' as const })));
  assert.equal(error, { _tag: 'Boom' });
  assert.ok(await free(lease));
});

taking('a run whose task rejects: the lease is released, then the rejection is rethrown', async () => {
  const { lease, log } = recordedLease();
  const task = withLease({ ...lease, ...clock }, LEASE, () => () => Promise.reject(new Error('bug in the run')));
  let thrown: unknown = null;
  await task().catch((e: unknown) => {
    thrown = e;
  });
  assert.instance(thrown, Error);
  assert.is((thrown as Error).message, 'bug in the run');
  assert.is(log.at(-1), 'release worker-a');
  assert.ok(await free(lease));
});

taking('a run that throws while it is built is released too', async () => {
  const { lease, log } = recordedLease();
  const task = withLease({ ...lease, ...clock }, LEASE, () => {
    throw new Error('thrown building the task');
  });
  await task().then(
    () => assert.unreachable('the exception is rethrown'),
    (e: unknown) => assert.is((e as Error).message, 'thrown building the task'),
  );
  assert.is(log.at(-1), 'release worker-a');
});

taking("a release that fails or rejects does not change the run's outcome", async () => {
  for (const releaseJobLock of [
    (): TE.TaskEither<StoreError, void> => TE.left(storeUnavailable()),
    (): TE.TaskEither<StoreError, void> => () => Promise.reject(new Error('socket closed')),
  ]) {
    const lease: JobLease = { acquireJobLock: () => TE.right(true), releaseJobLock };
    assert.equal(await run(withLease({ ...lease, ...clock }, LEASE, () => TE.right('done'))), {
      _tag: 'ran',
      value: 'done',
    });
    assert.equal(await runLeft(withLease({ ...lease, ...clock }, LEASE, () => TE.left('failed'))), 'failed');
  }
});

const renewal = suite('withLease: renewal on a timer, and loss');

renewal('renewed every third of `ms` while the run goes on: a rival finds it held long after `ms`', async () => {
  const { lease, takes, renewals } = recordedLease();
  const rival: boolean[] = [];
  await run(
    withLease({ ...lease, ...clock }, LEASE, () => async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(70);
        rival.push(await free(lease));
      }
      return E.right(undefined);
    }),
  );
  assert.equal(rival, [false, false, false]);
  assert.ok(renewals() >= 3, `renewed ${renewals()} times in about 210 ms`);
  for (const t of takes.filter((x) => x.owner === LEASE.owner)) assert.is(t.until - t.now, LEASE.ms);
});

renewal('no renewal once the run is over', async () => {
  const { lease, renewals } = recordedLease();
  await run(withLease({ ...lease, ...clock }, LEASE, () => () => sleep(50).then(() => E.right(undefined))));
  const after = renewals();
  await sleep(80);
  assert.is(renewals(), after);
  assert.ok(await free(lease));
});

const stolen = (lease: JobLease) => async () => {
  await run(lease.releaseJobLock(LEASE.job, LEASE.owner));
  assert.ok(await run(lease.acquireJobLock(LEASE.job, 'worker-b', far(), new Date())));
};

renewal(
  'another owner takes the lease: the signal fires with LeaseLost and a run that stops fails with it',
  async () => {
    const { store, lease, renewals } = recordedLease();
    let reason: LeaseLost | null = null;
    const error = await runLeft(
      withLease({ ...lease, ...clock }, LEASE, (signal) => async () => {
        await stolen(store)();
        await aborted(signal);
        reason = leaseLostReason(signal);
        return E.left({ _tag: 'Stopped' as const });
      }),
    );
    const lost: LeaseLost = {
      _tag: 'JobLockLost',
      job: LEASE.job,
      owner: LEASE.owner,
      reason: 'another owner holds the lease now',
      retriable: true,
    };
    assert.equal(error, lost);
    assert.equal(reason, lost);
    // The lost run's release leaves the new owner's lease alone.
    assert.is(await free(store, 'worker-c'), false);
    const atEnd = renewals();
    await sleep(60);
    assert.is(renewals(), atEnd, 'no renewal after the loss');
  },
);

renewal('a run that completes although the lease was lost keeps its value', async () => {
  const { store, lease } = recordedLease();
  const outcome = await run(
    withLease({ ...lease, ...clock }, LEASE, (signal) => async () => {
      await stolen(store)();
      await aborted(signal);
      return E.right('finished anyway');
    }),
  );
  assert.equal(outcome, { _tag: 'ran', value: 'finished anyway' });
});

renewal('a renewal the store refuses or rejects fires the signal, naming why', async () => {
  const cases: ReadonlyArray<[string, () => TE.TaskEither<StoreError, boolean>, RegExp]> = [
    [
      'Left',
      () => TE.left(storeUnavailable('connection refused')),
      /^the lease could not be renewed \(InventoryStoreUnavailable: connection refused\)$/,
    ],
    [
      'rejection',
      () => () => Promise.reject(new Error('pool ended')),
      /^the lease could not be renewed \(.*pool ended\)$/,
    ],
  ];
  for (const [name, failing, expected] of cases) {
    let calls = 0;
    const lease: JobLease = {
      acquireJobLock: () => (calls++ === 0 ? TE.right(true) : failing()),
      releaseJobLock: () => TE.right(undefined),
    };
    const error = await runLeft(
      withLease({ ...lease, ...clock }, LEASE, (signal) => async () => {
        await aborted(signal);
        return E.left('stopped');
      }),
    );
    assert.is((error as LeaseLost)._tag, 'JobLockLost', name);
    assert.match((error as LeaseLost).reason, expected, name);
    assert.is(calls, 2, `${name}: no renewal after the failed one`);
  }
});

renewal('the release waits for a renewal in flight, so a late renewal never takes a released lease back', async () => {
  const { store, lease: recorded, log } = recordedLease();
  let takes = 0;
  let renewalStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    renewalStarted = resolve;
  });
  const slow: JobLease = {
    acquireJobLock: (job, owner, until, now) =>
      takes++ === 0
        ? recorded.acquireJobLock(job, owner, until, now)
        : async () => {
            renewalStarted();
            await sleep(80);
            return recorded.acquireJobLock(job, owner, until, now)();
          },
    releaseJobLock: recorded.releaseJobLock,
  };
  // The run ends as soon as the first renewal has started, 80 ms before that renewal answers. The lease's timer
  // never keeps the process alive, so the test does while it waits for it.
  const keepAlive = setTimeout(() => undefined, 5_000);
  await run(withLease({ ...slow, ...clock }, LEASE, () => () => started.then(() => E.right(undefined))));
  clearTimeout(keepAlive);
  assert.equal(log, ['acquire worker-a true', 'acquire worker-a true', 'release worker-a']);
  assert.ok(await free(store));
});

const reason = suite('leaseLostReason');

reason('null for no signal, a live signal and one aborted for another reason; the LeaseLost otherwise', () => {
  const lost: LeaseLost = { _tag: 'JobLockLost', job: 'j', owner: 'o', reason: 'r', retriable: true };
  assert.is(leaseLostReason(undefined), null);
  assert.is(leaseLostReason(new AbortController().signal), null);
  assert.is(leaseLostReason(AbortSignal.abort(new Error('user pressed ^C'))), null);
  assert.is(leaseLostReason(AbortSignal.abort({ _tag: 'SomethingElse' })), null);
  assert.is(leaseLostReason(AbortSignal.abort()), null);
  assert.equal(leaseLostReason(AbortSignal.abort(lost)), lost);
});

taking.run();
renewal.run();
reason.run();
