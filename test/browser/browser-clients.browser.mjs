// `npm run test:browser-clients`: a micro-frontend in a real browser. Starts `wrangler dev` on
// 127.0.0.1 (whitelisting one page origin) and a static server for test/browser/pages/learner.html on
// two other 127.0.0.1 ports: the same site as the service, different origins, one of them whitelisted.
// Chromium (playwright-core, /usr/bin/chromium) gets a fresh learner's JWT cookie pair for the
// service, as the LMS sets it at login; the page then does what @edx/frontend-platform does (list the
// learner's enrollments with the cookies, fetch a CSRF token, enroll with X-CSRFToken) and shows the
// answers, which this script reads from the DOM. From the other origin the browser refuses every
// call. Results: test-results/browser-clients.json. Exit status 1 when a check fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { SignJWT } from 'jose';
import { chromium } from 'playwright-core';
import { createChecks, freePort, OFFLINE_ENV, runAndReport, waitForServer } from './support.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const COURSE_ID = 'course-v1:edX+DemoX+Demo_Course';
const SECRET = 'browser-clients-test-secret';
const OUT = 'test-results';
const START_TIMEOUT_MS = 90_000;
const WATCHDOG_MS = 240_000;
const PAGE = readFileSync(new URL('./pages/learner.html', import.meta.url));

const env = OFFLINE_ENV;
const { checks, check } = createChecks();

let wrangler;
const pageServers = [];
/** Stops wrangler dev and everything it started (workerd, esbuild) by signalling its process group. */
async function stopAll() {
  for (const server of pageServers) server.close();
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
  signal('SIGKILL');
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, async () => {
    await stopAll();
    process.exit(130);
  });
}
const watchdog = setTimeout(async () => {
  console.error(`browser-clients test: no result after ${WATCHDOG_MS / 1000} s`);
  await stopAll();
  process.exit(1);
}, WATCHDOG_MS);

/** The learner page, on 127.0.0.1:<port>. */
const servePage = (port) =>
  new Promise((resolve) => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(PAGE);
    });
    pageServers.push(server);
    server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${port}`));
  });

function startWrangler(port, inspectorPort, pageOrigin) {
  const log = openSync(`${OUT}/browser-clients-wrangler.log`, 'w');
  const vars = [`JWT_SECRET_KEY:${SECRET}`, `CORS_ORIGIN_WHITELIST:${pageOrigin}`, 'RATE_LIMIT_ENABLED:false'];
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort)];
  for (const v of vars) args.push('--var', v);
  wrangler = spawn('node_modules/.bin/wrangler', args, { env, detached: true, stdio: ['ignore', log, log] });
}

/** The learner's JWT split as the LMS sets it: `header.payload` and the signature, for the service's host. */
async function learnerCookies(username, base) {
  const token = await new SignJWT({ preferred_username: username, email: `${username}@example.com` })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('http://localhost:18000/oauth2')
    .setAudience('lms-key')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));
  const cut = token.lastIndexOf('.');
  const cookie = (name, value) => ({ name, value, url: base, sameSite: 'Lax', httpOnly: true });
  return [
    cookie('edx-jwt-cookie-header-payload', token.slice(0, cut)),
    cookie('edx-jwt-cookie-signature', token.slice(cut + 1)),
  ];
}

/** Opens the page from `origin` and waits until its script has finished; returns the DOM's answers. */
async function runPage(context, origin, base) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${origin}/?api=${encodeURIComponent(base)}&course=${encodeURIComponent(COURSE_ID)}`);
  await page.waitForSelector('body[data-done="true"]', { timeout: 30_000 });
  const read = (id) => page.textContent(`#${id}`).then((text) => text?.trim() ?? '');
  const ids = ['before', 'token', 'enrolled', 'request-id', 'no-token', 'after', 'error'];
  const dom = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await read(id)])));
  await page.screenshot({ path: `${OUT}/browser-clients-${new URL(origin).port}.png` });
  await page.close();
  return { dom, errors };
}

async function run() {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install -y chromium)`);
  for (const script of ['db:migrate', 'db:seed']) {
    const result = spawnSync('npm', ['run', '--silent', script], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`npm run ${script} failed`);
  }
  const [port, inspectorPort, allowedPort, otherPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const base = `http://127.0.0.1:${port}`;
  const allowed = await servePage(allowedPort);
  const other = await servePage(otherPort);
  startWrangler(port, inspectorPort, allowed);
  await waitForServer(base, wrangler, START_TIMEOUT_MS);
  console.log(`wrangler dev ready on ${base}; pages on ${allowed} (whitelisted) and ${other}`);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  try {
    const context = await browser.newContext();
    const username = `mfe${Date.now().toString(36)}`;
    await context.addCookies(await learnerCookies(username, base));

    const { dom, errors } = await runPage(context, allowed, base);
    check('no script error', !dom.error && errors.length === 0, dom.error || errors.join(' | '));
    check(
      'the learner is read with the cookie pair (a new learner: no enrollment)',
      dom.before === '200: 0 enrollment(s)',
      dom.before,
    );
    check('a CSRF token is fetched', /^[A-Za-z0-9]{64}$/.test(dom.token), dom.token);
    check(
      'a write without X-CSRFToken is refused',
      dom['no-token'] === '403 CSRF Failed: CSRF token missing.',
      dom['no-token'],
    );
    check('the enrollment with X-CSRFToken succeeds', dom.enrolled === `200 audit active ${COURSE_ID}`, dom.enrolled);
    check('exposed headers are readable (X-Request-Id)', /^[0-9a-f-]{36}$/.test(dom['request-id']), dom['request-id']);
    check('the list shows the new enrollment', dom.after === `200: 1 enrollment(s) ${COURSE_ID}`, dom.after);
    const cookies = await context.cookies(base);
    const csrf = cookies.find((c) => c.name === 'csrftoken');
    check(
      'the browser kept the csrftoken cookie the service set',
      csrf?.value === dom.token,
      csrf ? `${csrf.name} SameSite=${csrf.sameSite}` : 'none',
    );

    const refused = await runPage(context, other, base);
    check(
      'from a non-whitelisted origin the browser refuses the call (fetch rejects)',
      refused.dom.error.startsWith('TypeError'),
      refused.dom.error,
    );
    check('nothing was read there', refused.dom.before === '…', refused.dom.before);
  } finally {
    await browser.close();
  }
}

await runAndReport({
  name: 'browser-clients',
  run,
  stop: stopAll,
  watchdog,
  checks,
  check,
  out: OUT,
  wranglerLog: 'test-results/browser-clients-wrangler.log',
});
