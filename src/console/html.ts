/**
 * HTML written the one safe way: the `html` tagged template escapes every interpolated value (strings, numbers,
 * arrays, nested `Html`), so user data never reaches a page as markup; `raw` marks the few trusted pieces (a
 * served asset's tag, an SVG we drew). Every page of the console is made of these and `layout`.
 */

const MARKUP: unique symbol = Symbol('markup');

/** Markup that is safe to send: built by `html` or `raw`, never by concatenating user data. */
export interface Html {
  readonly [MARKUP]: string;
}

/** What a template may interpolate: escaped text, numbers, nested markup, lists of them; null/undefined/false render nothing. */
export type Interpolation = Html | string | number | bigint | boolean | null | undefined | ReadonlyArray<Interpolation>;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** The text with every character that means something in HTML (text or a quoted attribute) escaped. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);

const isHtml = (value: unknown): value is Html => typeof value === 'object' && value !== null && MARKUP in value;

const markupOf = (value: Interpolation): string => {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (isHtml(value)) return value[MARKUP];
  if (Array.isArray(value)) return value.map(markupOf).join('');
  return escapeHtml(String(value));
};

/** Trusted markup, sent as is: only for text we wrote (never for anything that came from a request or the store). */
export const raw = (markup: string): Html => ({ [MARKUP]: markup });

/** The tagged template: literal parts as written, every interpolation escaped (`Html` values kept, arrays joined). */
export const html = (strings: TemplateStringsArray, ...values: ReadonlyArray<Interpolation>): Html =>
  raw(
    strings.reduce((out, part, i) => out + part + (i < values.length ? markupOf(values[i] as Interpolation) : ''), ''),
  );

/** The markup as a string, to send. */
export const render = (value: Html): string => value[MARKUP];

/** The console's sections, in the order the navigation shows them. */
export const NAV = [
  { key: 'dashboard', label: 'Dashboard', href: '/' },
  { key: 'jobs', label: 'Jobs', href: '/jobs' },
  { key: 'pipeline', label: 'Pipeline', href: '/pipeline' },
  { key: 'facilities', label: 'Facilities', href: '/facilities' },
  { key: 'groups', label: 'Groups', href: '/groups' },
  { key: 'products', label: 'Products', href: '/products' },
  { key: 'drift', label: 'Drift', href: '/drift' },
] as const;
export type NavKey = (typeof NAV)[number]['key'];

/** What every page of the console is given to lay out. */
export interface LayoutInput {
  readonly title: string;
  /** The section this page belongs to (highlighted in the navigation); null on the sign-in and error pages. */
  readonly nav: NavKey | null;
  /** This session's CSRF token: every form's hidden `_csrf` and htmx's `x-csrf-token` header carry it. */
  readonly csrfToken: string | null;
  /** The signed-in user, or null (sign-in page, errors before sign-in). */
  readonly user: string | null;
  readonly body: Html;
}

/** A hidden form field with the CSRF token, for every form that changes something. */
export const csrfField = (token: string | null): Html =>
  token === null ? html`` : html`<input type="hidden" name="_csrf" value="${token}">`;

// htmx without eval, inline script or inline styles, so the CSP needs neither 'unsafe-inline' nor 'unsafe-eval'.
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
});

/** The page around a body: head (stylesheet, htmx, no inline script), navigation, the user and sign-out. */
export const layout = (page: LayoutInput): Html => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<title>${page.title} · OMS inventory console</title>
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/htmx.min.js" defer></script>
<script src="/assets/console.js" defer></script>
</head>
<body${page.csrfToken === null ? '' : html` hx-headers="${JSON.stringify({ 'x-csrf-token': page.csrfToken })}"`}>
<header class="top">
<a class="brand" href="/">OMS inventory</a>
${
  page.user === null
    ? ''
    : html`<nav>${NAV.map(
        (n) =>
          html`<a href="${n.href}"${n.key === page.nav ? html` class="current" aria-current="page"` : ''}>${n.label}</a>`,
      )}</nav>
<form class="sign-out" method="post" action="/sign-out">${csrfField(page.csrfToken)}<span class="user">${page.user}</span> <button type="submit">Sign out</button></form>`
}
</header>
<main>
<h1>${page.title}</h1>
${page.body}
</main>
</body>
</html>
`;
