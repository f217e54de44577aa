// The events phase of `npm run soak` (docs/events.md): a webhook receiver that fails some attempts,
// and the end-of-soak checks — every committed event delivered at least once, no delivery left
// failed or pending, and the feed telling the same enrollment story as the audit trail.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

export const ENROLLMENT_TYPES = [
  'org.openedx.learning.course.enrollment.created.v1',
  'org.openedx.learning.course.enrollment.changed.v1',
  'org.openedx.learning.course.unenrollment.completed.v1',
];
const [CREATED, CHANGED, UNENROLLED] = ENROLLMENT_TYPES;

/**
 * A receiver on 127.0.0.1 answering 500 to `failureRate` of the attempts, but to no event more than
 * `maxFailures` times: with a 1 s backoff base the worst retry chain then waits 1+2+4 s, so the soak
 * stays bounded while every event still has a fair chance of being retried.
 */
export async function startFlakyReceiver(secret, { failureRate = 0.2, maxFailures = 3 } = {}) {
  const webhook = new Webhook(secret);
  const failures = new Map(); // webhook-id → 500s answered
  const delivered = new Map(); // webhook-id → { seq, receivedAt }
  const stats = { attempts: 0, failed: 0, duplicates: 0, badSignatures: [] };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      stats.attempts += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      let event;
      try {
        event = webhook.verify(body, req.headers);
      } catch (error) {
        stats.badSignatures.push(`${req.headers['webhook-id']}: ${error.message}`);
        res.writeHead(400).end();
        return;
      }
      const failedBefore = failures.get(event.id) ?? 0;
      if (failedBefore < maxFailures && Math.random() < failureRate) {
        failures.set(event.id, failedBefore + 1);
        stats.failed += 1;
        res.writeHead(500).end();
        return;
      }
      if (delivered.has(event.id)) stats.duplicates += 1;
      else delivered.set(event.id, { seq: event.seq, receivedAt: Date.now() });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    delivered,
    stats,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** GET a JSON answer with the API key; anything but 200 throws (these checks need every answer). */
async function getJson(base, apiKey, path) {
  const res = await fetch(`${base}${path}`, { headers: { 'X-Edx-Api-Key': apiKey } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Every event of the feed after `after` (following `next_after` until `has_more` is false). */
export async function readFeed(base, apiKey, after, filters = {}) {
  const events = [];
  for (;;) {
    const query = new URLSearchParams({ after: String(after), limit: '1000', ...filters });
    const page = await getJson(base, apiKey, `/api/events/v1/changes?${query}`);
    events.push(...page.events);
    after = page.next_after;
    if (!page.has_more) return { events, last: after };
  }
}

/**
 * Runs the cron handler once (wrangler never fires crons locally). The soak's Worker has no static
 * assets, so Miniflare's /cdn-cgi/handler/scheduled reaches it (with assets it does not, hence
 * `--test-scheduled` for npm start; that one needs a bundle wrangler builds, which the soak's is not).
 * Returns an error message, or null.
 */
export async function sweep(base) {
  const res = await fetch(`${base}/cdn-cgi/handler/scheduled`);
  const text = await res.text();
  return res.ok ? null : `GET /cdn-cgi/handler/scheduled → ${res.status} ${text.slice(0, 200)}`;
}

/**
 * Waits until the receiver holds every event of the feed after `after`. Events in the queue's
 * delayed retries arrive on their own; the cron is run every 10 s without progress, as the safety
 * net it is in production.
 */
export async function waitForDeliveries(base, apiKey, receiver, after, timeoutMs) {
  const { events } = await readFeed(base, apiKey, after);
  const deadline = Date.now() + timeoutMs;
  let missing = events.filter((e) => !receiver.delivered.has(e.id));
  let progressAt = Date.now();
  let sweeps = 0;
  const sweepErrors = [];
  while (missing.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const still = missing.filter((e) => !receiver.delivered.has(e.id));
    if (still.length < missing.length) progressAt = Date.now();
    missing = still;
    if (missing.length && Date.now() - progressAt > 10_000) {
      const error = await sweep(base);
      if (error) sweepErrors.push(error);
      sweeps += 1;
      progressAt = Date.now();
    }
  }
  return { events, missing, sweeps, sweepErrors };
}

/** Deliveries of `name` in `status` (at most 1000: any at all is the finding). */
export const deliveriesIn = (base, apiKey, name, status) =>
  getJson(base, apiKey, `/api/admin/v1/webhooks/${name}/deliveries?status=${status}&limit=1000`).then((b) => b.results);

/**
 * Audit records of `course`, oldest first. The list is capped at 1000 (newest first): a course that
 * reaches the cap is read again per e-mail.
 */
export async function auditOf(base, apiKey, course, emails) {
  const path = (extra) =>
    `/api/admin/v1/audit/manual-enrollments?${new URLSearchParams({ course_id: course, limit: '1000', ...extra })}`;
  let records = (await getJson(base, apiKey, path({}))).results;
  if (records.length === 1000) {
    records = [];
    for (const email of emails) {
      const own = (await getJson(base, apiKey, path({ email }))).results;
      if (own.length === 1000) throw new Error(`audit of ${email} in ${course} exceeds 1000 records`);
      records.push(...own);
    }
  }
  return records.reverse();
}

/** [false, true, true, false] → [true, false]: the activation changes, starting from "not enrolled". */
function changesOf(states) {
  const out = [];
  let current = false;
  for (const s of states) {
    if (s !== current) out.push(s);
    current = s;
  }
  return out;
}

/**
 * The feed's enrollment events of one course against its audit records, per learner e-mail: the
 * sequence of activation changes must be the same (audit records that change nothing, such as an API
 * key's `from enrolled to enrolled`, and mode-only events collapse away), and every deactivation
 * must be followed by its `unenrollment.completed` event.
 */
export function compareFeedWithAudit(course, feedEvents, auditRecords) {
  const violations = [];
  const fromFeed = new Map();
  const sorted = [...feedEvents].sort((a, b) => a.seq - b.seq);
  for (const [i, e] of sorted.entries()) {
    const email = e.data?.user?.pii?.email;
    if (e.type === UNENROLLED) continue;
    if (!fromFeed.has(email)) fromFeed.set(email, []);
    fromFeed.get(email).push(e.data.is_active);
    if (e.type === CHANGED && e.data.previous?.is_active === true && e.data.is_active === false) {
      const next = sorted[i + 1];
      if (next?.type !== UNENROLLED || next.data?.user?.pii?.email !== email) {
        violations.push(`${course} ${email}: changed event #${e.seq} (deactivation) not followed by unenrollment`);
      }
    }
    if (e.type === CREATED && e.data.previous !== null) violations.push(`${course} #${e.seq}: created with previous`);
  }
  const fromAudit = new Map();
  for (const r of auditRecords) {
    const to = r.state_transition.endsWith(' to enrolled')
      ? true
      : r.state_transition.endsWith(' to unenrolled')
        ? false
        : null; // allowances and N/A change no enrollment
    if (to === null) continue;
    if (!fromAudit.has(r.enrolled_email)) fromAudit.set(r.enrolled_email, []);
    fromAudit.get(r.enrolled_email).push(to);
  }
  for (const email of new Set([...fromFeed.keys(), ...fromAudit.keys()])) {
    const feed = changesOf(fromFeed.get(email) ?? []).join(',');
    const audit = changesOf(fromAudit.get(email) ?? []).join(',');
    if (feed !== audit) violations.push(`${course} ${email}: feed changes [${feed}], audit changes [${audit}]`);
  }
  return violations;
}
