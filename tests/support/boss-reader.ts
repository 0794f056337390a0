// A pg-boss client on a test database that only reads the worker's queues (no supervision, schedules or work).
import { PgBoss } from 'pg-boss';
import { WORKER_BOSS_SCHEMA } from '../../src/composition/config.ts';

/** Starts a read-only pg-boss client on the worker's schema; stop it with `stop({ graceful: false })`. */
export const bossReader = async (url: string): Promise<PgBoss> => {
  const boss = new PgBoss({
    connectionString: url,
    schema: WORKER_BOSS_SCHEMA,
    supervise: false,
    schedule: false,
    migrate: false,
    registerInstance: false,
  });
  boss.on('error', () => undefined);
  await boss.start();
  return boss;
};
