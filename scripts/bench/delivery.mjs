// delivery_latency for `npm run bench`: commit → webhook receiver, through the EVENTS queue and its
// consumer on a Miniflare instance of its own (the other instances run without the queue, so their
// figures do not include dispatch work). Not an autocannon run: a fixed number of enrollment POSTs,
// each event timed from its `time` (the D1 commit, same clock) to its arrival at a local receiver.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { courseId, learnerName, PER_USER } from './seed.mjs';

const CREATED = 'org.openedx.learning.course.enrollment.created.v1';

/** A receiver on 127.0.0.1 that verifies each delivery and notes when it arrived. */
async function startReceiver(secret) {
  const webhook = new Webhook(secret);
  const arrivals = new Map(); // event id → { pair: "username|course", commitMs, receivedMs }
  const badSignatures = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const receivedMs = Date.now();
      try {
        const event = webhook.verify(Buffer.concat(chunks).toString('utf8'), req.headers);
        const pair = `${event.data.user.pii.username}|${event.subject}`;
        if (!arrivals.has(event.id)) arrivals.set(event.id, { pair, commitMs: Date.parse(event.time), receivedMs });
        res.writeHead(204).end();
      } catch (error) {
        badSignatures.push(error.message);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const close = () => {
    server.closeAllConnections(); // the runtime keeps its connections alive
    return new Promise((r) => server.close(r));
  };
  return { url, arrivals, badSignatures, close };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Subscribes a receiver to `created` events, sends `posts` enrollment POSTs (`concurrency` at a
 * time, each a new (learner, course) pair), waits for their deliveries. Returns a row for the
 * report (rps: POSTs per second; p50/p99: commit → receiver) and any problems found.
 */
export async function measureDelivery({ request, staffToken, apiKey, learners, posts = 300, concurrency = 4 }) {
  const problems = [];
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = await startReceiver(secret);
  try {
    const subscribe = await request(
      'PUT',
      '/api/admin/v1/webhooks/bench',
      { 'x-edx-api-key': apiKey },
      { url: receiver.url, event_types: [CREATED], secret },
    );
    if (subscribe.status !== 201 && subscribe.status !== 200) {
      return { skipped: `PUT /api/admin/v1/webhooks/bench answered ${subscribe.status} (webhooks not served yet)` };
    }
    const staff = { authorization: `JWT ${staffToken}` };
    const answeredAt = new Map(); // "username|course" → when the POST's response arrived
    let next = 0;
    let failed = 0;
    const d1Counts = new Map(); // queries per POST → POSTs (the first ones also warm caches)
    const started = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < posts) {
          const i = next++;
          // Learner i in course 10i+10 (mod 1000): not one of the courses it was seeded into.
          const u = i % learners;
          const course = courseId((u * PER_USER + PER_USER + Math.floor(i / learners)) % 1000);
          const answer = await request('POST', '/api/enrollment/v1/enrollment', staff, {
            user: learnerName(u),
            course_details: { course_id: course },
          });
          answeredAt.set(`${learnerName(u)}|${course}`, Date.now());
          if (answer.status !== 200) failed += 1;
          const queries = /db;desc="(\d+) queries"/.exec(answer.headers.get('server-timing') ?? '')?.[1];
          if (queries) d1Counts.set(Number(queries), (d1Counts.get(Number(queries)) ?? 0) + 1);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const deadline = Date.now() + 60_000;
    while (receiver.arrivals.size < posts - failed && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const arrived = [...receiver.arrivals.values()];
    const latencies = arrived.map((a) => a.receivedMs - a.commitMs).sort((a, b) => a - b);
    // What docs/events.md#delivery promises is from the response on: reported beside the row.
    const afterResponse = arrived
      .filter((a) => answeredAt.has(a.pair))
      .map((a) => a.receivedMs - answeredAt.get(a.pair))
      .sort((a, b) => a - b);
    const undelivered = posts - failed - receiver.arrivals.size;
    if (failed) problems.push(`delivery_latency: ${failed} of ${posts} enrollment POSTs failed`);
    if (undelivered > 0) problems.push(`delivery_latency: ${undelivered} events not delivered within 60 s`);
    if (receiver.badSignatures.length)
      problems.push(`delivery_latency: ${receiver.badSignatures.length} bad signatures (${receiver.badSignatures[0]})`);
    return {
      measured: {
        rps: posts / seconds,
        p50: latencies.length ? percentile(latencies, 50) : Number.NaN,
        p99: latencies.length ? percentile(latencies, 99) : Number.NaN,
        d1: [...d1Counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null,
        non2xx: failed + Math.max(0, undelivered),
      },
      delivered: receiver.arrivals.size,
      afterResponse: { p50: percentile(afterResponse, 50), p99: percentile(afterResponse, 99) },
      problems,
    };
  } finally {
    await receiver.close();
  }
}
