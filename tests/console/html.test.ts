import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { csrfField, escapeHtml, html, layout, NAV, raw, render } from '../../src/console/html.ts';

const Html = suite('html');

Html('escapes every interpolated string, in text and in attributes', () => {
  const name = `<script>alert("x")</script>&'\``;
  assert.is(
    render(html`<p title="${name}">${name}</p>`),
    '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;</p>',
  );
});

Html('keeps nested markup, joins arrays, renders numbers and skips null, undefined and booleans', () => {
  const rows = ['a<b', 'c'].map((s) => html`<li>${s}</li>`);
  assert.is(
    render(html`<ul>${rows}</ul>${42}${null}${undefined}${false}${true}`),
    '<ul><li>a&lt;b</li><li>c</li></ul>42',
  );
});

Html('raw markup is sent as written; a plain object posing as markup is not', () => {
  assert.is(render(html`<div>${raw('<svg></svg>')}</div>`), '<div><svg></svg></div>');
  assert.is(render(html`${['<i>', raw('<b>')]}`), '&lt;i&gt;<b>');
});

Html('no interpolated string can open a tag or leave a quoted attribute (property)', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const out = render(html`<a title="${s}">${s}</a>`);
      assert.is(out, `<a title="${escapeHtml(s)}">${escapeHtml(s)}</a>`);
      assert.not.match(escapeHtml(s), /[<>"'`]/);
    }),
  );
});

const Layout = suite('layout');

Layout(
  'a signed-in page: navigation with the current section, the user, sign-out with the CSRF token, htmx header',
  () => {
    const page = render(
      layout({ title: 'Jobs <1>', nav: 'jobs', csrfToken: 'tok"en', user: 'op<er>', body: html`<p>body</p>` }),
    );
    assert.match(page, '<title>Jobs &lt;1&gt; · OMS inventory console</title>');
    assert.match(page, '<a href="/jobs" class="current" aria-current="page">Jobs</a>');
    for (const n of NAV) assert.match(page, `href="${n.href}"`);
    assert.match(page, '<span class="user">op&lt;er&gt;</span>');
    assert.match(page, '<input type="hidden" name="_csrf" value="tok&quot;en">');
    assert.match(page, 'hx-headers="{&quot;x-csrf-token&quot;:&quot;tok\\&quot;en&quot;}"');
    assert.match(page, '<p>body</p>');
    assert.not.match(page, /<script>/, 'no inline script');
    assert.not.match(page, / style=/, 'no inline style');
  },
);

Layout('a signed-out page has no navigation, no sign-out and no htmx header', () => {
  const page = render(layout({ title: 'Sign in', nav: null, csrfToken: null, user: null, body: html`` }));
  assert.not.match(page, '<nav>');
  assert.not.match(page, '/sign-out');
  assert.not.match(page, 'hx-headers');
  assert.is(render(csrfField(null)), '');
});

Html.run();
Layout.run();
