// A signed-in client of a console built in the test (Fastify's inject, no socket): it keeps the cookies, signs in
// through the form as a browser does, and sends the session's CSRF token with every change unless told not to.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { credentialsFromEnv } from '../../src/console/auth.ts';
import type { ConsoleDeps } from '../../src/console/deps.ts';
import { buildConsole, PAGES, type PageModule } from '../../src/console/server.ts';

export const CLIENT_USER = 'ops';
export const CLIENT_PASSWORD = 'inject-pass-1';

/** A client of one console. */
export interface ConsoleClient {
  readonly app: FastifyInstance;
  readonly get: (url: string, headers?: Readonly<Record<string, string>>) => Promise<LightMyRequestResponse>;
  /** A form post, with the CSRF token unless `csrf` is false. */
  readonly post: (
    url: string,
    form?: Readonly<Record<string, string>>,
    csrf?: boolean,
  ) => Promise<LightMyRequestResponse>;
  /** A JSON request to the API, with the CSRF token in x-csrf-token unless `csrf` is false. */
  readonly api: (
    method: 'POST' | 'PUT',
    url: string,
    body?: unknown,
    csrf?: boolean,
  ) => Promise<LightMyRequestResponse>;
  readonly close: () => Promise<void>;
}

/** Builds the console on `deps` with `pages` and signs in. */
export const consoleClient = async (
  deps: ConsoleDeps,
  pages: ReadonlyArray<PageModule> = PAGES,
): Promise<ConsoleClient> => {
  const credentials = credentialsFromEnv({ CONSOLE_USER: CLIENT_USER, CONSOLE_PASSWORD: CLIENT_PASSWORD });
  if (!credentials.ok) throw new Error(credentials.message);
  const app = await buildConsole(deps, { credentials: credentials.credentials }, pages);
  const jar = new Map<string, string>();
  let token = '';
  const keep = (res: LightMyRequestResponse) => {
    for (const c of res.cookies)
      if (c.value === '') jar.delete(c.name);
      else jar.set(c.name, c.value);
    const found = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (found !== undefined) token = found;
    return res;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const get = async (url: string, headers: Readonly<Record<string, string>> = {}) =>
    keep(await app.inject({ method: 'GET', url, headers: { cookie: cookie(), ...headers } }));
  const post = async (url: string, form: Readonly<Record<string, string>> = {}, csrf = true) =>
    keep(
      await app.inject({
        method: 'POST',
        url,
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...form, ...(csrf ? { _csrf: token } : {}) }).toString(),
      }),
    );
  const api = async (method: 'POST' | 'PUT', url: string, body: unknown = {}, csrf = true) =>
    keep(
      await app.inject({
        method,
        url,
        headers: { cookie: cookie(), 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': token } : {}) },
        payload: JSON.stringify(body),
      }),
    );
  await get('/sign-in');
  const signedIn = await post('/sign-in', { user: CLIENT_USER, password: CLIENT_PASSWORD });
  if (signedIn.statusCode !== 303) throw new Error(`sign-in answered ${signedIn.statusCode}`);
  // A page of the session, for its token.
  await get('/api/session');
  const session = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: cookie() } });
  keep(session);
  token = (session.json() as { csrfToken: string }).csrfToken;
  return { app, get, post, api, close: () => app.close() };
};
