// `npm run test:browser`: the docs page in a real browser, offline. Migrates and seeds the local D1,
// starts `wrangler dev` on a free port (its own process group, always stopped at the end), drives
// Debian's /usr/bin/chromium with playwright-core, and checks that /docs renders the endpoint groups,
// that "Try it out" → Execute on course details answers 200, that every request stayed on this
// machine, and that static assets do not shadow the API. Screenshot: test-results/docs.png; results:
// test-results/browser.json. Exit status 1 when a check fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { createChecks, freePort, OFFLINE_ENV, runAndReport, waitForServer } from './support.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const COURSE_ID = 'course-v1:edX+DemoX+Demo_Course';
const GROUPS = ['Enrollment API', 'Bulk enrollment', 'Cohorts', 'Provisioning: users', 'Provisioning: courses'];
const OUT = 'test-results';
const START_TIMEOUT_MS = 90_000;
const WATCHDOG_MS = 240_000;

const env = OFFLINE_ENV;
const { checks, check } = createChecks();

let wrangler;
/** Stops wrangler dev and everything it started (workerd, esbuild) by signalling its process group. */
async function stopWrangler() {
  if (!wrangler || wrangler.exitCode !== null || wrangler.signalCode !== null) return;
  const exited = new Promise((resolve) => wrangler.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-wrangler.pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL'); // stragglers in the group, if any
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, async () => {
    await stopWrangler();
    process.exit(130);
  });
}
const watchdog = setTimeout(async () => {
  console.error(`browser test: no result after ${WATCHDOG_MS / 1000} s`);
  await stopWrangler();
  process.exit(1);
}, WATCHDOG_MS);

async function run() {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install -y chromium)`);
  for (const script of ['db:migrate', 'db:seed']) {
    const result = spawnSync('npm', ['run', '--silent', script], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`npm run ${script} failed`);
  }

  const [port, inspectorPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const log = openSync(`${OUT}/browser-wrangler.log`, 'w');
  wrangler = spawn(
    'node_modules/.bin/wrangler',
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort)],
    { env, detached: true, stdio: ['ignore', log, log] },
  );
  await waitForServer(base, wrangler, START_TIMEOUT_MS);
  console.log(`wrangler dev ready on ${base}`);

  // Static assets are matched before the Worker: the files are served, the API still reaches Hono.
  const health = await fetch(`${base}/health`);
  check('GET /health reaches the Worker', health.status === 200 && (await health.json()).status === 'ok');
  const favicon = await fetch(`${base}/favicon.ico`);
  check('GET /favicon.ico is a static asset', favicon.status === 200, favicon.headers.get('content-type') ?? '');
  const missing = await fetch(`${base}/vendor/no-such-file.js`);
  check('an unknown path under /vendor falls through to the Worker (JSON 404)', missing.status === 404);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requests = [];
    const offHost = [];
    const failed = [];
    const pageErrors = [];
    // Anything not for this server is recorded and refused, so a regression cannot hang on the network.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
      offHost.push(url.href);
      return route.abort();
    });
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
    page.on('pageerror', (error) => pageErrors.push(String(error)));

    const docs = await page.goto(`${base}/docs`, { waitUntil: 'load' });
    check('GET /docs answers 200', docs?.status() === 200);
    await page.waitForSelector('.swagger-ui .info .title', { timeout: 30_000 });
    const title = await page.textContent('.swagger-ui .info .title');
    check('the document title renders', title?.includes('Open edX enrollment service'), title?.trim());

    await page.waitForSelector('.opblock-tag-section', { timeout: 30_000 });
    const groups = (
      await page.$$eval('.opblock-tag-section h3 .nostyle span', (els) => els.map((el) => el.textContent?.trim() ?? ''))
    ).filter(Boolean);
    const missingGroups = GROUPS.filter((group) => !groups.includes(group));
    check('the endpoint groups render', missingGroups.length === 0, `groups: ${groups.join(', ')}`);
    const operations = await page.$$eval('.opblock', (els) => els.length);
    check('operations are listed', operations >= 15, `${operations} operations`);

    // Try it out → Execute on course details.
    const op = page.locator('#operations-Enrollment_API-getEnrollmentV1CourseByCourseId');
    await op.locator('.opblock-summary').click();
    await op.locator('.try-out__btn').click();
    const courseInput = op.locator('tr[data-param-name="course_id"] input');
    await courseInput.fill(COURSE_ID);
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    const statusText = (await status.textContent())?.trim() ?? '';
    const body = (await op.locator('.live-responses-table .response-col_description pre').first().textContent()) ?? '';
    check('Try it out on course details answers 200', statusText.startsWith('200'), `status ${statusText}`);
    check('the response body shows the demo course', body.includes('Demonstration Course'));
    const tried = requests.find((url) => url.includes('/api/enrollment/v1/course/'));
    check('the call went to this server', tried?.startsWith(base), tried);

    await page.waitForTimeout(300); // let Swagger UI finish painting the response
    await op.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUT}/docs.png`, fullPage: true });
    await op.screenshot({ path: `${OUT}/docs-try-it.png` }); // the executed call, at full size
    check('screenshot saved', existsSync(`${OUT}/docs.png`), `${OUT}/docs.png, ${OUT}/docs-try-it.png`);

    check(
      'assets came from this server',
      ['/vendor/swagger-ui-dist/swagger-ui.css', '/vendor/swagger-ui-dist/swagger-ui-bundle.js', '/openapi.json'].every(
        (p) => requests.includes(`${base}${p}`),
      ),
    );
    check('no request left localhost', offHost.length === 0, offHost.join(', '));
    check('no failed request', failed.length === 0, failed.join(', '));
    check('no page error', pageErrors.length === 0, pageErrors.join(' | '));
  } finally {
    await browser.close();
  }
}

await runAndReport({
  name: 'browser',
  run,
  stop: stopWrangler,
  watchdog,
  checks,
  check,
  out: OUT,
  wranglerLog: 'test-results/browser-wrangler.log',
});
