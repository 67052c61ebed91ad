// The dashboard end to end, in Debian's headless Chromium driven by playwright-core.
//
//   node dashboard.spec.mjs --base http://127.0.0.1:PORT --token TOKEN --running JOB_ID \
//        --failed JOB_ID --hostile JOB_ID --othertype JOB_NAME --screenshot DIR/NAME.png
//   (and DIR/NAME-login.png). OTHERTYPE is a job type that settled 3 attempts besides noop_job.
//
// DashboardBrowserTest (Java) starts the api and a worker, prepares the jobs, runs this script and
// checks Redis afterwards. Exit code 0 and a last line "dashboard e2e: ok" mean every step passed;
// anything else is a failure, reported on stderr. No browser is downloaded: CHROMIUM (default
// /usr/bin/chromium) is the one Debian installs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

function options(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error('usage: --base URL --token T --running ID --failed ID --hostile ID --othertype NAME --screenshot PATH');
    }
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const name of ['base', 'token', 'running', 'failed', 'hostile', 'othertype', 'screenshot']) {
    if (!out[name]) {
      throw new Error('missing --' + name);
    }
  }
  return out;
}

function check(condition, message) {
  if (!condition) {
    throw new Error('assertion failed: ' + message);
  }
}

const log = (line) => console.log('dashboard: ' + line);
const opts = options(process.argv.slice(2));
const userDataDir = mkdtempSync(join(tmpdir(), 'sb-dashboard-chromium-'));
const problems = [];
let context;

try {
  // launchPersistentContext owns --user-data-dir (a fresh, empty one); headless adds --headless.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    timeout: 60_000,
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => problems.push('page error: ' + error.message));
  page.on('console', (message) => {
    // A 401 for the deliberately wrong token is expected; CSP refusals and script errors are not.
    if (message.type() === 'error' && !/status of 401/.test(message.text())) {
      problems.push('console error: ' + message.text());
    }
  });

  await page.goto(opts.base + '/dashboard');
  await page.locator('#login-form').waitFor({ state: 'visible' });
  check(await page.locator('#app').isHidden(), 'nothing is shown before signing in');
  log('sign-in form shown, dashboard hidden');

  // A wrong token: a clear error, nothing shown, nothing kept.
  await page.fill('#token', 'not-a-real-token');
  await page.click('#sign-in');
  const error = page.locator('#login-error');
  await error.waitFor({ state: 'visible' });
  const errorText = await error.textContent();
  check(/not accepted/.test(errorText), 'wrong token error says so: ' + errorText);
  check(await page.locator('#app').isHidden(), 'a wrong token shows no data');
  check(await page.evaluate(() => sessionStorage.length === 0), 'a wrong token is not kept');
  log('wrong token refused: "' + errorText + '"');
  await page.screenshot({ path: opts.screenshot.replace(/\.png$/, '-login.png') });

  await page.fill('#token', opts.token);
  await page.click('#sign-in');
  await page.locator('#app').waitFor({ state: 'visible' });
  await page.locator('#queues tbody tr[data-queue="default"]').waitFor();
  check(await page.evaluate(() => localStorage.length === 0 && sessionStorage.length === 1),
    'the token is kept in sessionStorage only');
  log('signed in; queues: ' + (await page.locator('#queues tbody tr').count()) + ' rows');

  // The running job's bar advances on its own (the page polls every second).
  const row = page.locator(`#running li[data-job-id="${opts.running}"]`);
  await row.waitFor();
  const bar = row.locator('[role="progressbar"]');
  const read = async () => ({
    value: Number(await bar.getAttribute('aria-valuenow')),
    width: await row.locator('.fill').evaluate((fill) => fill.getBoundingClientRect().width),
    text: await row.locator('.progress-message').textContent(),
  });
  await page.waitForFunction((id) => {
    const fill = document.querySelector(`#running li[data-job-id="${id}"] .fill`);
    return fill && fill.getBoundingClientRect().width > 0;
  }, opts.running);
  await page.waitForTimeout(600); // let the width transition settle
  const first = await read();
  await page.waitForFunction(([id, value]) => {
    const bar = document.querySelector(`#running li[data-job-id="${id}"] [role="progressbar"]`);
    return bar && Number(bar.getAttribute('aria-valuenow')) > value;
  }, [opts.running, first.value], { timeout: 12_000 });
  await page.waitForTimeout(600);
  const second = await read();
  check(second.value > first.value, `progress grew: ${first.value} -> ${second.value}`);
  check(second.width > first.width, `bar grew: ${first.width}px -> ${second.width}px`);
  check(/^step \d+ of \d+$/.test(second.text), 'bar text is the progress message: ' + second.text);
  log(`running job ${opts.running}: ${first.value}% (${first.width.toFixed(0)}px, "${first.text}") -> `
    + `${second.value}% (${second.width.toFixed(0)}px, "${second.text}")`);

  // A progress message full of markup is shown as text, never run.
  const hostile = page.locator(`#running li[data-job-id="${opts.hostile}"] .progress-message`);
  await hostile.waitFor();
  const hostileText = await hostile.textContent();
  check(hostileText.includes('<img'), 'markup is shown literally: ' + hostileText);
  check(await page.locator('#running img').count() === 0, 'no element was made from server text');
  check(await page.evaluate(() => window.__xss === undefined), 'no injected script ran');
  log('hostile progress message rendered as text');

  // The failed job: first line of its error, the rest behind a toggle.
  const failed = page.locator(`#failed li[data-job-id="${opts.failed}"]`);
  await failed.waitFor();
  const firstLine = await failed.locator('.error-line').textContent();
  check(firstLine.includes('noop_job asked to fail'), 'error first line: ' + firstLine);
  check(!(await failed.locator('.error-full').isVisible()), 'the full error starts folded');
  await failed.locator('summary').click();
  const full = failed.locator('.error-full');
  await full.waitFor({ state: 'visible' });
  check((await full.textContent()).includes('\tat '), 'the full error has the stack trace');
  log('failed job ' + opts.failed + ': "' + firstLine + '" (stack trace expands)');

  // The throughput graph: every job's attempts per second over the last hour, then one job type's.
  const chart = page.locator('#throughput-chart');
  await page.waitForFunction(() => Number(document.querySelector('#throughput-chart').dataset.processed) >= 6
    && Number(document.querySelector('#throughput-chart').dataset.failed) >= 1, null, { timeout: 15_000 });
  const all = Number(await chart.getAttribute('data-processed'));
  const points = await chart.locator('polyline.processed').getAttribute('points');
  check(points.split(' ').some((p) => Number(p.split(',')[1]) < 190), 'the processed line rises: ' + points.slice(0, 200));
  const other = page.locator('#job-types tr[data-job="' + opts.othertype + '"]');
  await other.waitFor();
  check((await other.locator('td').first().textContent()).trim() === '3', 'the other job type processed 3');
  log(`throughput graph: ${all} processed, ${await chart.getAttribute('data-failed')} failed in the last hour`);
  await page.locator('#job-types tr[data-job="noop_job"]').click();
  await page.waitForFunction(() => document.querySelector('#throughput-chart').dataset.job === 'noop_job');
  const noop = Number(await chart.getAttribute('data-processed'));
  check(noop > 0 && noop === all - 3, `noop_job alone: ${noop} processed (all jobs ${all}, the other type 3)`);
  check(/noop_job/.test(await page.locator('#throughput-job').textContent()), 'the graph says which job type');
  log(`clicked noop_job: the graph shows ${noop} processed`);
  await page.locator('#throughput-all').click();
  await page.waitForFunction(() => document.querySelector('#throughput-chart').dataset.job === '');
  check(Number(await chart.getAttribute('data-processed')) >= all, 'back to all jobs');

  // The workers panel: host, queues, current job and since, from the worker registry.
  const workerRow = page.locator('#workers tbody tr', { has: page.locator(`.job-id:text-is("${opts.running}")`) });
  await workerRow.waitFor();
  check((await workerRow.locator('.job-name').textContent()) === 'noop_job', 'the worker runs noop_job');
  const host = (await workerRow.locator('td.host').textContent()).trim();
  check(host.length > 0 && host !== '—', 'the worker has a host: ' + host);
  check((await workerRow.locator('.pill.queue').allTextContents()).includes('default'), 'it serves default');
  const since = await workerRow.locator('td.since').textContent();
  check(/ago|just now/.test(since), 'since when it runs that job: ' + since);
  log(`workers panel: ${await workerRow.getAttribute('data-worker')} on ${host}, running ${opts.running} since ${since}`);

  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky top bar belongs at the top
  await page.screenshot({ path: opts.screenshot, fullPage: true });
  log('screenshot ' + opts.screenshot);

  await failed.locator('button.requeue').click();
  await page.locator('#toast').filter({ hasText: 'requeued' }).waitFor();
  await failed.locator('button.requeue', { hasText: 'Requeued' }).waitFor();
  log('requeued ' + opts.failed);
  // The next refresh of the failed list drops it: it is no longer failed.
  await failed.waitFor({ state: 'detached', timeout: 10_000 });
  log('failed list no longer shows ' + opts.failed);

  check(problems.length === 0, 'no script errors or CSP refusals: ' + problems.join(' | '));
  console.log('dashboard e2e: ok');
} catch (error) {
  console.error('dashboard e2e: FAILED: ' + (error && error.stack ? error.stack : error));
  if (problems.length) {
    console.error('browser problems: ' + problems.join(' | '));
  }
  process.exitCode = 1;
} finally {
  if (context) {
    await context.close().catch(() => {});
  }
  rmSync(userDataDir, { recursive: true, force: true });
}
