import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { REDACTED, redact, redactor, redactValue, secretValues } from '../../src/application/redaction.ts';

const PEM = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACBz0bXdummykeymaterialonlyfortests0000000000000000000000000',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');

const redaction = suite('redact');

redaction(
  'every secret form the code handles: PostgreSQL URLs, the Shopify token, SFTP password, key, passphrase',
  () => {
    const url = 'postgres://oms:s3cr%40t-pw@db.internal:5432/oms';
    const token = 'shpat_0123456789abcdef0123456789abcdef';
    const known = [url, token, 'sftp-password-1', 'key-passphrase', PEM];
    const text = [
      `connect ${url} failed`,
      'password authentication failed (password s3cr%40t-pw, decoded s3cr@t-pw)',
      `X-Shopify-Access-Token: ${token}`,
      'sftp login sftp-password-1 refused; passphrase key-passphrase wrong',
      `key:\n${PEM}\n`,
    ].join('\n');
    const out = redact(text, known);
    for (const secret of [url, 's3cr%40t-pw', 's3cr@t-pw', token, 'sftp-password-1', 'key-passphrase', PEM, 'b3BlbnNz'])
      assert.not.ok(out.includes(secret), secret);
    assert.ok(out.includes(`connect ${REDACTED} failed`));
    assert.ok(out.includes(`password ${REDACTED}, decoded ${REDACTED}`));
  },
);

redaction('secrets nobody named are found by their form', () => {
  assert.is(
    redact('no server at postgresql://u:pw@h/db or postgres://other@h2 (ECONNREFUSED)'),
    'no server at postgres://… or postgres://… (ECONNREFUSED)',
  );
  assert.is(redact("quoted 'postgres://u:pw@h/db' too"), "quoted 'postgres://…' too");
  assert.is(redact('token shpat_abc123DEF456 and shpca_x_y'), `token ${REDACTED} and ${REDACTED}`);
  assert.is(redact(`read ${PEM} then`), `read ${REDACTED} then`);
  assert.is(redact(`cut -----BEGIN RSA PRIVATE KEY-----\nMIIEow`), `cut ${REDACTED}`);
  assert.is(redact('a plain message, https://example.com/x'), 'a plain message, https://example.com/x');
});

redaction('known values: at least four characters, the longest first, a URL with its password', () => {
  assert.equal(secretValues(['abc', undefined, 'abcd', 'postgres://u:p%2Fw0rd@h/db', 'abcd']), [
    'postgres://u:p%2Fw0rd@h/db',
    'p%2Fw0rd',
    'p/w0rd',
    'abcd',
  ]);
  // A secret holding another is replaced whole, not cut in two.
  assert.is(redact('x secret-long y', ['secret', 'secret-long']), `x ${REDACTED} y`);
  // Three characters would cut words out of every message.
  assert.is(redact('the pin was abc', ['abc']), 'the pin was abc');
});

redaction('property: no known secret survives, wherever it stands in the text', () => {
  fc.assert(
    fc.property(
      // Secrets of the characters tokens and passwords are made of: none can span a `[redacted]` and the text beside it.
      fc.array(fc.stringMatching(/^[A-Za-z0-9_.~-]{4,24}$/), { minLength: 1, maxLength: 4 }),
      fc.array(fc.string({ maxLength: 12 }), { maxLength: 5 }),
      (secrets, filler) => {
        const text = [...filler, ...secrets, ...filler].join(secrets[0]!);
        const out = redactor(secrets)(text);
        for (const s of secrets) if (!REDACTED.includes(s)) assert.not.ok(out.includes(s), JSON.stringify({ s, out }));
      },
    ),
    { numRuns: 500 },
  );
});

redaction.run();

const values = suite('redactValue');

values(
  'every string of a log line, nested; an Error as its message; a Date as it is; never a deep value unread',
  () => {
    const at = new Date('2026-11-22T01:00:00Z');
    const deep = (n: number): unknown => (n === 0 ? 'sekret-deep' : { inner: deep(n - 1) });
    const out = redactValue(redactor(['sekret']), {
      msg: 'sekret',
      list: ['a sekret', 1, null, true],
      error: new Error('login sekret refused'),
      at,
      deep: deep(12),
    }) as Record<string, unknown>;
    assert.equal(out.msg, REDACTED);
    assert.equal(out.list, [`a ${REDACTED}`, 1, null, true]);
    assert.is(out.error, `Error: login ${REDACTED} refused`);
    assert.is(out.at, at);
    assert.not.ok(JSON.stringify(out).includes('sekret'));
  },
);

values.run();
