/**
 * What every route of the console shares: the signed-in session on the request, pages and fragments sent through
 * `layout` with this session's CSRF token, ids from URLs validated by one schema, and JSON for the `/api/` routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleSession } from './auth.ts';
import { html, layout, render, type Html, type NavKey } from './html.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, or null (set by the console's onRequest hook). */
    consoleSession: ConsoleSession | null;
  }
  interface FastifyContextConfig {
    /** A route a signed-out visitor may reach (sign-in, static assets). */
    public?: boolean;
  }
}

/** What an id taken from a URL may look like: letters, digits and `_ . : @ -`, 1 to 200 of them. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$';

/**
 * Route options whose path parameters `names` are ids (anything else answers 400 before the handler runs):
 * `app.get('/runs/:runId', idParams('runId'), handler)`.
 */
export const idParams = (...names: ReadonlyArray<string>) => ({
  schema: {
    params: {
      type: 'object',
      properties: Object.fromEntries(names.map((n) => [n, { type: 'string', pattern: ID_PATTERN }])),
      required: [...names],
      additionalProperties: false,
    },
  },
});

/** Whether a value is an id as `ID_PATTERN` says (for ids from query strings and form fields). */
export const isId = (value: unknown): value is string =>
  typeof value === 'string' && new RegExp(ID_PATTERN).test(value);

/** The CSRF user info binding a token to its session (signed-out pages share one). */
export const csrfUserInfo = (session: ConsoleSession | null): string => session?.id ?? 'signed-out';

/** A CSRF token for this request's session. */
export const csrfToken = (request: FastifyRequest, reply: FastifyReply): string =>
  reply.generateCsrf({ userInfo: csrfUserInfo(request.consoleSession) });

/** Whether the request is for the JSON API (`/api/...`): its answers, errors included, are JSON. */
export const wantsJson = (request: FastifyRequest): boolean => request.url.startsWith('/api/');

/**
 * Sends a whole page in the console's layout, with the session's user and CSRF token (a body that has forms of its
 * own is a function of the token: one token a request, since a first one also sets the CSRF cookie).
 */
export const sendPage = (
  request: FastifyRequest,
  reply: FastifyReply,
  page: {
    readonly title: string;
    readonly nav: NavKey | null;
    readonly body: Html | ((csrfToken: string) => Html);
    readonly status?: number;
  },
): FastifyReply => {
  const token = csrfToken(request, reply);
  return reply
    .code(page.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(
      render(
        layout({
          title: page.title,
          nav: page.nav,
          body: typeof page.body === 'function' ? page.body(token) : page.body,
          user: request.consoleSession?.user ?? null,
          csrfToken: token,
        }),
      ),
    );
};

/** Sends a piece of a page (an htmx swap). */
export const sendFragment = (reply: FastifyReply, body: Html, status = 200): FastifyReply =>
  reply.code(status).type('text/html; charset=utf-8').send(render(body));

/** An error as the browser sees it: the page (or JSON) with a status and a sentence; never a stack or a secret. */
export const sendProblem = (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  detail: string,
): FastifyReply =>
  wantsJson(request)
    ? reply.code(status).type('application/json; charset=utf-8').send({ error: { status, title, detail } })
    : request.headers['hx-request'] === 'true'
      ? sendFragment(reply, html`<p class="problem" role="alert"><strong>${title}</strong> ${detail}</p>`, status)
      : sendPage(request, reply, {
          title,
          nav: null,
          status,
          body: html`<p class="problem" role="alert">${detail}</p><p><a href="/">Back to the console</a></p>`,
        });
