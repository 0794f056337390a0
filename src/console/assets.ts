/**
 * The console's own static files, served from memory: the stylesheet and the one small script (confirmations of
 * forms marked `data-confirm`, dialogs opened by `data-open-dialog`). Kept here so the CSP can forbid inline code.
 */

/** The browser script: no inline handlers anywhere, so the CSP's `script-src 'self'` holds. */
export const CONSOLE_SCRIPT = `'use strict';
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var message = form.getAttribute('data-confirm');
  if (message !== null && !window.confirm(message)) event.preventDefault();
}, true);
document.addEventListener('click', function (event) {
  var target = event.target instanceof Element ? event.target.closest('[data-open-dialog],[data-close-dialog]') : null;
  if (target === null) return;
  var id = target.getAttribute('data-open-dialog');
  if (id !== null) {
    var dialog = document.getElementById(id);
    if (dialog instanceof HTMLDialogElement) dialog.showModal();
    return;
  }
  var open = target.closest('dialog');
  if (open instanceof HTMLDialogElement) open.close();
});
`;

/** The stylesheet. */
export const CONSOLE_STYLE = `:root { --fg: #1d2330; --muted: #5b6474; --line: #d9dde5; --bg: #f6f7f9; --card: #fff;
  --ok: #1f7a3d; --bad: #b42318; --warn: #9a6700; --info: #1f5fbf; font-family: system-ui, sans-serif; color: var(--fg); }
body { margin: 0; background: var(--bg); }
header.top { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #1d2330; color: #fff; }
header.top a { color: #dfe4ee; text-decoration: none; }
header.top a.brand { font-weight: 700; color: #fff; }
header.top nav { display: flex; gap: 1rem; flex: 1; }
header.top nav a.current { color: #fff; border-bottom: 2px solid #fff; }
header.top form.sign-out { display: flex; align-items: center; gap: .5rem; margin: 0; }
header.top .user { color: #aab3c2; }
main { padding: 1rem 1.5rem; max-width: 1200px; }
h1 { font-size: 1.4rem; margin: .4rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; font-size: .92rem; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1rem; }
.card h2 { margin-top: 0; display: flex; justify-content: space-between; align-items: center; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; }
.badge.succeeded, .badge.active { color: var(--ok); }
.badge.failed, .badge.abandoned { color: var(--bad); }
.badge.skipped, .badge.paused, .badge.not-configured { color: var(--warn); }
.badge.running, .badge.queued, .badge.scheduled, .badge.pending { color: var(--info); }
.muted { color: var(--muted); }
.problem { color: var(--bad); }
.notice { background: #fff8e1; border: 1px solid #f0d68a; padding: .6rem .8rem; border-radius: 6px; }
form.inline { display: inline; }
form.stack { display: grid; gap: .5rem; max-width: 420px; }
label { display: grid; gap: .2rem; font-size: .9rem; }
input, select, button { font: inherit; padding: .3rem .5rem; }
button { cursor: pointer; border: 1px solid #9aa4b5; border-radius: 5px; background: #fff; }
button.primary { background: #1f5fbf; color: #fff; border-color: #1f5fbf; }
button:disabled { opacity: .5; cursor: not-allowed; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .6rem; }
.filters { display: flex; gap: .8rem; align-items: end; margin-bottom: 1rem; }
form.sign-in { display: grid; gap: .8rem; max-width: 320px; background: var(--card); padding: 1.2rem; border: 1px solid var(--line); border-radius: 8px; }
dialog { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .4rem 0; }
dl.facts dt { color: var(--muted); }
ul.times { margin: .2rem 0; padding-left: 1.2rem; font-size: .88rem; }
.chips { display: flex; flex-wrap: wrap; gap: .3rem; }
.chip { background: #eef2f8; border-radius: 999px; padding: .05rem .55rem; font-size: .82rem; }
.chip.missing { background: #fdecea; color: var(--bad); }
`;
