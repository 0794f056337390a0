import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { credentialsFromEnv, hashPassword, sessionStore } from '../../src/console/auth.ts';

const Credentials = suite('credentialsFromEnv');

Credentials('CONSOLE_PASSWORD is required; CONSOLE_USER defaults to operator; the message holds no secret', () => {
  const none = credentialsFromEnv({});
  assert.is(none.ok, false);
  if (!none.ok) assert.match(none.message, 'CONSOLE_PASSWORD');
  const given = credentialsFromEnv({ CONSOLE_PASSWORD: 'pw-1' });
  assert.ok(given.ok);
  if (!given.ok) return;
  assert.is(given.credentials.user, 'operator');
  assert.is(given.credentials.check('operator', 'pw-1'), true);
  assert.is(given.credentials.check('operator', 'pw-2'), false);
  assert.is(given.credentials.check('operator', 'pw-1 '), false);
  assert.is(given.credentials.check('someone', 'pw-1'), false);
  assert.is(given.credentials.check('operator', ''), false);
  assert.not.match(JSON.stringify(given.credentials), 'pw-1');
});

Credentials('CONSOLE_PASSWORD_HASH (scrypt) checks the password it was made from, and only that', () => {
  const hash = hashPassword('long passphrase');
  assert.match(hash, /^scrypt\$16384\$8\$1\$/);
  const c = credentialsFromEnv({ CONSOLE_USER: 'ops', CONSOLE_PASSWORD_HASH: hash, CONSOLE_PASSWORD: 'ignored' });
  assert.ok(c.ok);
  if (!c.ok) return;
  assert.is(c.credentials.check('ops', 'long passphrase'), true);
  assert.is(c.credentials.check('ops', 'ignored'), false);
  assert.is(c.credentials.check('operator', 'long passphrase'), false);
  const bad = credentialsFromEnv({ CONSOLE_PASSWORD_HASH: 'sha1$abc' });
  assert.is(bad.ok, false);
  if (!bad.ok) assert.not.match(bad.message, 'abc');
});

const Sessions = suite('sessionStore');

Sessions('a session lives while used and ends after idling or at sign-out', () => {
  let now = 1_000;
  const store = sessionStore(100, () => now);
  const a = store.open('ops');
  const b = store.open('ops');
  assert.is.not(a.id, b.id);
  assert.ok(a.id.length >= 32);
  now += 90;
  assert.is(store.find(a.id)?.user, 'ops', 'used within its idle time: renewed');
  now += 90;
  assert.is(store.find(a.id)?.user, 'ops');
  assert.is(store.find(b.id), null, 'idle for 180 ms: ended');
  store.close(a.id);
  assert.is(store.find(a.id), null);
  assert.is(store.find('made-up'), null);
});

Credentials.run();
Sessions.run();
