/**
 * The console's web server (Fastify): sign-in and sessions, CSRF on every request that changes something, a
 * rate-limited sign-in, security headers (a CSP without inline script), ids validated, errors as pages without a
 * stack, and the pages registered from `PAGES`. Bound to 127.0.0.1 unless a host is given.
 */
import { randomBytes, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CONSOLE_SCRIPT, CONSOLE_STYLE } from './assets.ts';
import { sessionStore, type ConsoleCredentials } from './auth.ts';
import type { ConsoleDeps } from './deps.ts';
import { csrfField, html } from './html.ts';
import { csrfUserInfo, sendPage, sendProblem, wantsJson } from './http.ts';
import { registerDashboardPages } from './pages/dashboard.ts';
import { registerDriftPages } from './pages/drift.ts';
import { registerFacilitiesPages } from './pages/facilities.ts';
import { registerGroupsPages } from './pages/groups.ts';
import { registerJobsPages } from './pages/jobs.ts';
import { registerPipelinePages } from './pages/pipeline.ts';
import { registerProductsPages } from './pages/products.ts';
import { registerRunPages } from './pages/runs.ts';

/** How the console serves. */
export interface ConsoleOptions {
  readonly credentials: ConsoleCredentials;
  /** Signs the session and CSRF cookies; random per process when not given (sessions then end with the process). */
  readonly sessionSecret?: string;
  /** A session ends after this long without a request; default 8 hours. */
  readonly sessionIdleMs?: number;
  /** Sign-in attempts allowed per client address and window; default 5 a minute. */
  readonly signInLimit?: { readonly max: number; readonly windowMs: number };
  /** Mark cookies Secure (behind an HTTPS proxy); default false (plain HTTP on loopback). */
  readonly secureCookies?: boolean;
  /** The address listened on when it is not loopback: the sign-in page then says the console is reachable. */
  readonly exposedOn?: string;
}

/** A page module: registers its routes (pages, fragments, API) on the app. */
export type PageModule = (app: FastifyInstance, deps: ConsoleDeps) => void | Promise<void>;

/** Every page module of the console, one line each. */
export const PAGES: ReadonlyArray<PageModule> = [
  registerJobsPages,
  registerPipelinePages,
  registerRunPages,
  registerDashboardPages,
  registerFacilitiesPages,
  registerGroupsPages,
  registerProductsPages,
  registerDriftPages,
];

const SESSION_COOKIE = 'oms_console_session';

/** The security headers of every answer: a CSP allowing only our own files (no inline script or style), no framing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const htmxSource = (): string =>
  readFileSync(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'), 'utf8');

const signInPage =
  (problem: string | null, next: string, user = '', exposedOn?: string) =>
  (token: string) =>
    html`
${
  exposedOn === undefined
    ? ''
    : html`<p class="notice">This console listens on ${exposedOn}, beyond this machine: anyone who can reach it sees this page.</p>`
}
<form class="sign-in" method="post" action="/sign-in">
  ${csrfField(token)}
  ${problem === null ? '' : html`<p class="problem" role="alert">${problem}</p>`}
  <input type="hidden" name="next" value="${next}">
  <label>User <input name="user" value="${user}" autocomplete="username" required autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>`;

// Only a path of this console: never another origin (an open redirect).
const safeNext = (next: unknown): string =>
  typeof next === 'string' && /^\/(?!\/)[A-Za-z0-9/_.:@?=&%-]*$/.test(next) && !next.startsWith('/sign-') ? next : '/';

const isChange = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/** Builds the console (not yet listening): plugins, hooks, sign-in/out, assets, every page module of `pages`. */
export const buildConsole = async (
  deps: ConsoleDeps,
  options: ConsoleOptions,
  pages: ReadonlyArray<PageModule> = PAGES,
): Promise<FastifyInstance> => {
  const secret = options.sessionSecret ?? randomBytes(32).toString('base64url');
  const sessions = sessionStore(options.sessionIdleMs ?? 8 * 60 * 60 * 1000);
  const secure = options.secureCookies ?? false;
  const app = Fastify({ logger: false, trustProxy: false, bodyLimit: 1024 * 1024 });
  await app.register(fastifyCookie, { secret });
  await app.register(fastifyFormbody);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure, signed: true },
    // Tokens are bound to the session: one taken from another session (or from before sign-in) is refused.
    getUserInfo: (request: FastifyRequest) => csrfUserInfo(request.consoleSession),
    csrfOpts: { hmacKey: createHash('sha256').update(`csrf:${secret}`).digest('base64') },
  });
  app.decorateRequest('consoleSession', null);

  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    reply.header('cache-control', 'no-store');
    const cookie = request.cookies[SESSION_COOKIE];
    const unsigned = cookie === undefined ? null : request.unsignCookie(cookie);
    request.consoleSession = unsigned?.valid === true && unsigned.value !== null ? sessions.find(unsigned.value) : null;
    if (request.consoleSession !== null || request.routeOptions.config.public === true) return;
    if (wantsJson(request)) return sendProblem(request, reply, 401, 'Not signed in', 'sign in first (POST /sign-in)');
    if (request.headers['hx-request'] === 'true') return reply.code(401).header('hx-redirect', '/sign-in').send('');
    return reply.redirect(
      `/sign-in${request.method === 'GET' && request.url !== '/' ? `?next=${encodeURIComponent(request.url)}` : ''}`,
    );
  });
  // Every request that changes something carries the session's CSRF token (form field `_csrf` or x-csrf-token).
  app.addHook('preHandler', (request, reply, done) => {
    if (isChange(request.method)) app.csrfProtection(request, reply, done);
    else done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN')
      return sendProblem(
        request,
        reply,
        403,
        'Refused: no valid CSRF token',
        'This request changes something and did not carry this session’s security token. Reload the page and try again.',
      );
    if (status === 429)
      return sendProblem(
        request,
        reply,
        429,
        'Too many attempts',
        'Too many sign-in attempts: wait a minute and try again.',
      );
    if (error.validation !== undefined)
      return sendProblem(request, reply, 400, 'Bad request', `The request is not valid: ${error.message}.`);
    if (status >= 400 && status < 500) return sendProblem(request, reply, status, 'Bad request', error.message);
    const id = randomBytes(4).toString('hex');
    deps.log('error', 'console request failed', {
      errorId: id,
      method: request.method,
      path: request.routeOptions.url ?? 'unknown',
      error: error.message,
    });
    return sendProblem(request, reply, 500, 'Something went wrong', `The console's log has the details (error ${id}).`);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, 'Not found', 'There is no such page in this console.'),
  );

  const publicRoute = { config: { public: true } };
  const asset = (type: string, body: string) => (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(type).header('cache-control', 'public, max-age=3600').send(body);
  const htmx = htmxSource();
  app.get('/assets/htmx.min.js', publicRoute, asset('text/javascript; charset=utf-8', htmx));
  app.get('/assets/console.js', publicRoute, asset('text/javascript; charset=utf-8', CONSOLE_SCRIPT));
  app.get('/assets/console.css', publicRoute, asset('text/css; charset=utf-8', CONSOLE_STYLE));

  app.get('/sign-in', publicRoute, (request, reply) => {
    if (request.consoleSession !== null) return reply.redirect('/');
    const next = safeNext((request.query as Record<string, unknown>).next);
    return sendPage(request, reply, {
      title: 'Sign in',
      nav: null,
      body: signInPage(null, next, '', options.exposedOn),
    });
  });
  app.post(
    '/sign-in',
    {
      config: {
        public: true,
        rateLimit: { max: options.signInLimit?.max ?? 5, timeWindow: options.signInLimit?.windowMs ?? 60_000 },
      },
    },
    (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const user = typeof body.user === 'string' ? body.user : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const next = safeNext(body.next);
      if (!options.credentials.check(user, password)) {
        deps.log('warn', 'console sign-in refused', { ip: request.ip });
        return sendPage(request, reply, {
          title: 'Sign in',
          nav: null,
          status: 401,
          body: signInPage('Wrong user name or password.', next, user, options.exposedOn),
        });
      }
      const session = sessions.open(options.credentials.user);
      deps.log('info', 'console sign-in', { user: session.user, ip: request.ip });
      // A new CSRF secret for the new session (the signed-out one is dropped with the old cookie).
      reply.clearCookie('_csrf', { path: '/' });
      reply.setCookie(SESSION_COOKIE, session.id, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure,
        signed: true,
      });
      return reply.redirect(next, 303);
    },
  );
  app.post('/sign-out', (request, reply) => {
    if (request.consoleSession !== null) sessions.close(request.consoleSession.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in', 303);
  });
  app.get('/api/session', publicRoute, (request, reply) =>
    reply.send({
      user: request.consoleSession?.user ?? null,
      csrfToken: reply.generateCsrf({ userInfo: csrfUserInfo(request.consoleSession) }),
    }),
  );

  for (const register of pages) await register(app, deps);
  return app;
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** A listening console: its address and how to stop it. */
export interface RunningConsole {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly close: () => Promise<void>;
}

/** Builds the console and listens on host:port (default 127.0.0.1, port 8080; port 0 picks a free one). */
export const startConsole = async (
  deps: ConsoleDeps,
  options: ConsoleOptions & { readonly host?: string; readonly port?: number },
  pages: ReadonlyArray<PageModule> = PAGES,
): Promise<RunningConsole> => {
  const host = options.host ?? '127.0.0.1';
  const app = await buildConsole(deps, LOOPBACK.has(host) ? options : { ...options, exposedOn: host }, pages);
  await app.listen({ host, port: options.port ?? 8080 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 8080);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!LOOPBACK.has(host))
    deps.log('warn', 'console listening beyond loopback: anyone who can reach this address sees the sign-in page', {
      host,
      port,
    });
  deps.log('info', 'console listening', { url });
  return { url, app, close: () => app.close() };
};
