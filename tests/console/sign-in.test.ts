// In a real chromium: sign-in (a wrong password refused), a signed-out visitor sent to sign in, sign-out.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CONSOLE_PASSWORD, CONSOLE_USER, startConsoleWorld, type ConsoleWorld } from '../support/console.ts';

const SignIn = suite<{ world: ConsoleWorld }>('console sign-in (browser)');

SignIn.before(async (context) => {
  context.world = await startConsoleWorld({ prefix: 'h_cc_' });
});
SignIn.after(async ({ world }) => {
  await world?.close();
});

SignIn(
  'a signed-out visitor is sent to sign in; a wrong password is refused; the right one signs in',
  async ({ world }) => {
    const page = await world.freshPage();
    await page.goto(`${world.url}/pipeline`);
    assert.is(new URL(page.url()).pathname, '/sign-in');
    await world.screenshot(page, 'sign-in');
    await page.fill('input[name=user]', CONSOLE_USER);
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    assert.match((await page.textContent('.problem')) ?? '', 'Wrong user name or password.');
    assert.is(new URL(page.url()).pathname, '/sign-in');
    await page.fill('input[name=password]', CONSOLE_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/pipeline'), page.click('button[type=submit]')]);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'oms_console_session');
    assert.ok(session);
    assert.is(session.httpOnly, true);
    assert.is(session.sameSite, 'Strict');
    assert.not.match(JSON.stringify(world.logLines), CONSOLE_PASSWORD);
  },
);

SignIn('sign-out ends the session: the next page asks to sign in again', async ({ world }) => {
  const page = await world.signedInPage();
  await page.goto(`${world.url}/jobs`);
  await Promise.all([page.waitForURL((u) => u.pathname === '/sign-in'), page.click('form.sign-out button')]);
  await page.goto(`${world.url}/jobs`);
  assert.is(new URL(page.url()).pathname, '/sign-in');
});

SignIn('the browser reported no error on any page (no CSP refusal, no script error)', ({ world }) => {
  assert.equal(world.browserErrors, []);
});

SignIn.run();
