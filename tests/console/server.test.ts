import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FastifyInstance } from 'fastify';
import { credentialsFromEnv } from '../../src/console/auth.ts';
import type { ConsoleDeps } from '../../src/console/deps.ts';
import { html } from '../../src/console/html.ts';
import { idParams, sendPage } from '../../src/console/http.ts';
import { buildConsole, SECURITY_HEADERS, type PageModule } from '../../src/console/server.ts';
import { loadConfig } from '../../src/composition/config.ts';
import type { JobControl } from '../../src/composition/job-control.ts';
import type { LiveStore } from '../../src/composition/jobs.ts';

const PASSWORD = 's3cret-Pa55word';

// A page module of the test: a page, a change, an id route and a failure.
const testPages: PageModule = (app) => {
  app.get('/jobs', (request, reply) =>
    sendPage(request, reply, { title: 'Jobs', nav: 'jobs', body: html`<p>jobs</p>` }),
  );
  app.post('/things', (_request, reply) => reply.send({ changed: true }));
  app.post('/api/things', (_request, reply) => reply.send({ changed: true }));
  app.get('/runs/:runId', idParams('runId'), (request, reply) =>
    reply.send({ runId: (request.params as { runId: string }).runId }),
  );
  app.get('/boom', () => {
    throw new Error(`database at postgres://user:${PASSWORD}@db failed\n    at secret (file.ts:1:1)`);
  });
};

const logged: Array<{ level: string; msg: string; fields: unknown }> = [];
const deps = (): ConsoleDeps => {
  const config = loadConfig(undefined, {}, ['store']);
  if (config._tag === 'Left') throw new Error('config');
  return {
    config: config.right,
    // The server itself never touches the store; the pages of this test neither.
    live: { config: config.right } as unknown as LiveStore,
    jobs: {} as unknown as JobControl,
    now: () => new Date(),
    log: (level, msg, fields) => logged.push({ level, msg, fields }),
  };
};

const build = async (signInMax = 5): Promise<FastifyInstance> => {
  const credentials = credentialsFromEnv({ CONSOLE_USER: 'ops', CONSOLE_PASSWORD: PASSWORD });
  if (!credentials.ok) throw new Error(credentials.message);
  return buildConsole(
    deps(),
    { credentials: credentials.credentials, signInLimit: { max: signInMax, windowMs: 60_000 } },
    [testPages],
  );
};

const cookiesOf = (res: { cookies: ReadonlyArray<{ name: string; value: string }> }, jar: Map<string, string>) => {
  for (const c of res.cookies)
    if (c.value === '') jar.delete(c.name);
    else jar.set(c.name, c.value);
};
const cookieHeader = (jar: Map<string, string>): string => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const tokenIn = (body: string): string => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

/** Signs in through the form as a browser does: GET the page (CSRF cookie and token), POST the credentials. */
const signIn = async (app: FastifyInstance, password = PASSWORD) => {
  const jar = new Map<string, string>();
  const page = await app.inject({ method: 'GET', url: '/sign-in' });
  cookiesOf(page, jar);
  const res = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ user: 'ops', password, _csrf: tokenIn(page.body), next: '/jobs' }).toString(),
  });
  cookiesOf(res, jar);
  return { res, jar };
};

const Server = suite('buildConsole');

Server('a signed-out visitor is sent to sign in; the API answers 401 JSON', async () => {
  const app = await build();
  const page = await app.inject({ method: 'GET', url: '/jobs' });
  assert.is(page.statusCode, 302);
  assert.is(page.headers.location, '/sign-in?next=%2Fjobs');
  const api = await app.inject({ method: 'GET', url: '/runs/x' });
  assert.is(api.statusCode, 302);
  const json = await app.inject({ method: 'POST', url: '/api/things' });
  assert.is(json.statusCode, 401);
  assert.is(json.json().error.title, 'Not signed in');
  await app.close();
});

Server(
  'sign-in: a wrong password is refused (401, no session); the right one opens a HttpOnly SameSite=Strict session',
  async () => {
    const app = await build();
    const wrong = await signIn(app, 'wrong');
    assert.is(wrong.res.statusCode, 401);
    assert.match(wrong.res.body, 'Wrong user name or password.');
    assert.is(wrong.jar.has('oms_console_session'), false);
    const right = await signIn(app);
    assert.is(right.res.statusCode, 303);
    assert.is(right.res.headers.location, '/jobs');
    const session = right.res.cookies.find((c) => c.name === 'oms_console_session');
    assert.ok(session);
    assert.is(session.httpOnly, true);
    assert.is(session.sameSite, 'Strict');
    const page = await app.inject({ method: 'GET', url: '/jobs', headers: { cookie: cookieHeader(right.jar) } });
    assert.is(page.statusCode, 200);
    assert.match(page.body, '<span class="user">ops</span>');
    assert.not.match(page.body, PASSWORD);
    assert.not.match(JSON.stringify(logged), PASSWORD, 'the password is never logged');
    await app.close();
  },
);

Server('a change without the CSRF token is refused with 403 (page and JSON); with it, it goes through', async () => {
  const app = await build();
  const { jar } = await signIn(app);
  const page = await app.inject({ method: 'GET', url: '/jobs', headers: { cookie: cookieHeader(jar) } });
  cookiesOf(page, jar);
  const headers = { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' };
  const none = await app.inject({ method: 'POST', url: '/things', headers, payload: 'a=1' });
  assert.is(none.statusCode, 403);
  assert.match(none.body, 'Refused: no valid CSRF token');
  const forged = await app.inject({
    method: 'POST',
    url: '/api/things',
    headers: { ...headers, 'x-csrf-token': 'forged' },
  });
  assert.is(forged.statusCode, 403);
  assert.is(forged.json().error.status, 403);
  const ok = await app.inject({
    method: 'POST',
    url: '/things',
    headers,
    payload: `_csrf=${encodeURIComponent(tokenIn(page.body))}`,
  });
  assert.is(ok.statusCode, 200);
  assert.equal(ok.json(), { changed: true });
  const header = await app.inject({
    method: 'POST',
    url: '/api/things',
    headers: { ...headers, 'x-csrf-token': tokenIn(page.body) },
  });
  assert.is(header.statusCode, 200);
  await app.close();
});

Server('a token of the signed-out page does not work for the session', async () => {
  const app = await build();
  const signedOut = await app.inject({ method: 'GET', url: '/sign-in' });
  const { jar } = await signIn(app);
  const res = await app.inject({
    method: 'POST',
    url: '/things',
    headers: { cookie: cookieHeader(jar), 'x-csrf-token': tokenIn(signedOut.body) },
  });
  assert.is(res.statusCode, 403);
  await app.close();
});

Server('sign-in attempts are rate-limited (the 6th in a minute answers 429)', async () => {
  const app = await build(5);
  for (let i = 0; i < 5; i++) assert.is((await signIn(app, 'wrong')).res.statusCode, 401);
  const sixth = await signIn(app);
  assert.is(sixth.res.statusCode, 429);
  assert.match(sixth.res.body, 'Too many sign-in attempts');
  await app.close();
});

Server('sign-out ends the session', async () => {
  const app = await build();
  const { jar } = await signIn(app);
  const page = await app.inject({ method: 'GET', url: '/jobs', headers: { cookie: cookieHeader(jar) } });
  cookiesOf(page, jar);
  const before = cookieHeader(jar);
  const out = await app.inject({
    method: 'POST',
    url: '/sign-out',
    headers: { cookie: before, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${encodeURIComponent(tokenIn(page.body))}`,
  });
  assert.is(out.statusCode, 303);
  assert.is(out.headers.location, '/sign-in');
  const again = await app.inject({ method: 'GET', url: '/jobs', headers: { cookie: before } });
  assert.is(again.statusCode, 302, 'the old cookie no longer signs in');
  await app.close();
});

Server(
  'ids from URLs are validated; errors show no stack and no secret; security headers on every answer',
  async () => {
    const app = await build();
    const { jar } = await signIn(app);
    const cookie = cookieHeader(jar);
    const good = await app.inject({
      method: 'GET',
      url: '/runs/hard-sync-20261201T030000000Z-abc123',
      headers: { cookie },
    });
    assert.is(good.statusCode, 200);
    const bad = await app.inject({
      method: 'GET',
      url: `/runs/${encodeURIComponent('<script>')}`,
      headers: { cookie },
    });
    assert.is(bad.statusCode, 400);
    assert.not.match(bad.body, '<script>');
    const boom = await app.inject({ method: 'GET', url: '/boom', headers: { cookie } });
    assert.is(boom.statusCode, 500);
    assert.match(boom.body, 'Something went wrong');
    assert.not.match(boom.body, PASSWORD);
    assert.not.match(boom.body, 'file.ts');
    const missing = await app.inject({ method: 'GET', url: '/no-such-page', headers: { cookie } });
    assert.is(missing.statusCode, 404);
    for (const res of [good, bad, boom, missing]) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.is(res.headers[name], value, name);
    }
    assert.match(String(good.headers['content-security-policy']), "script-src 'self';");
    assert.not.match(String(good.headers['content-security-policy']), 'unsafe-inline');
    await app.close();
  },
);

Server(
  'the assets (htmx from node_modules, the script and the stylesheet) are served to signed-out visitors',
  async () => {
    const app = await build();
    const htmx = await app.inject({ method: 'GET', url: '/assets/htmx.min.js' });
    assert.is(htmx.statusCode, 200);
    assert.match(htmx.body, 'htmx');
    assert.match(String(htmx.headers['content-type']), 'text/javascript');
    assert.is((await app.inject({ method: 'GET', url: '/assets/console.js' })).statusCode, 200);
    assert.is((await app.inject({ method: 'GET', url: '/assets/console.css' })).statusCode, 200);
    await app.close();
  },
);

Server('the sign-in page never redirects to another origin', async () => {
  const app = await build();
  const page = await app.inject({ method: 'GET', url: '/sign-in?next=//evil.example/x' });
  assert.match(page.body, 'name="next" value="/"');
  await app.close();
});

Server('an API client signs in with JSON: the token from /api/session, then the session cookie', async () => {
  const app = await build();
  const jar = new Map<string, string>();
  const session = await app.inject({ method: 'GET', url: '/api/session' });
  cookiesOf(session, jar);
  const { user, csrfToken } = session.json() as { user: string | null; csrfToken: string };
  assert.is(user, null);
  const signIn = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: cookieHeader(jar), 'x-csrf-token': csrfToken },
    payload: { user: 'ops', password: PASSWORD },
  });
  assert.is(signIn.statusCode, 303);
  cookiesOf(signIn, jar);
  const after = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: cookieHeader(jar) } });
  assert.is((after.json() as { user: string }).user, 'ops');
  await app.close();
});

Server('listening beyond loopback: the sign-in page says so; on loopback it does not', async () => {
  const credentials = credentialsFromEnv({ CONSOLE_PASSWORD: PASSWORD });
  if (!credentials.ok) throw new Error(credentials.message);
  const exposed = await buildConsole(deps(), { credentials: credentials.credentials, exposedOn: '0.0.0.0' }, []);
  assert.match((await exposed.inject({ method: 'GET', url: '/sign-in' })).body, 'This console listens on 0.0.0.0');
  await exposed.close();
  const local = await build();
  assert.not.match((await local.inject({ method: 'GET', url: '/sign-in' })).body, 'This console listens on');
  await local.close();
});

Server.run();
