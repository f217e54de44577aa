// `npm run webhooks:listen` (docs/events.md#local): a local webhook receiver for `wrangler dev`. It
// subscribes itself as `local-listener` with a fresh secret, verifies every delivery's Standard
// Webhooks signature and prints one line per event. The subscription outlives the listener on
// purpose: what commits while it is stopped is retried, and arrives once it listens again.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { DEV_ORIGIN, readDevVars } from './dev-env.mjs';

const NAME = 'local-listener';
const USAGE = `Usage: npm run webhooks:listen [-- --port N --types t1,t2 --service URL]

  --port N         port of the receiver on 127.0.0.1 (default 8788)
  --types t1,t2    event types to subscribe to (default *: all)
  --service URL    the local service (default ${DEV_ORIGIN})

The API key is EDX_API_KEY from .dev.vars (default dev-only-api-key); the service must accept
http:// subscription URLs (WEBHOOK_ALLOW_HTTP=true in .dev.vars, as in .dev.vars.example).`;

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      port: { type: 'string', default: '8788' },
      types: { type: 'string', default: '*' },
      service: { type: 'string', default: DEV_ORIGIN },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(options.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`--port must be a port number (got "${options.port}")`);
  process.exit(2);
}
const service = options.service.replace(/\/+$/, '');
const eventTypes = options.types
  .split(',')
  .map((t) => t.trim())
  .filter(Boolean);
const apiKey = (existsSync('.dev.vars') && readDevVars().EDX_API_KEY) || 'dev-only-api-key';
const subscriptionUrl = `${service}/api/admin/v1/webhooks/${NAME}`;
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const webhook = new Webhook(secret);
const seen = new Set();

const clock = () => new Date().toISOString().slice(11, 19);
const fail = (message) => {
  console.error(message);
  process.exit(1);
};

const receiver = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const id = req.headers['webhook-id'] ?? '(no webhook-id)';
    let event;
    try {
      event = webhook.verify(body, req.headers);
    } catch (error) {
      console.log(`${clock()} REJECTED ${id}: bad signature (${error.message}), answered 400`);
      res.writeHead(400).end();
      return;
    }
    // Delivery is at least once: a repeat (a retry whose answer was lost, a replay) is marked.
    const again = seen.has(event.id) ? '  (again)' : '';
    seen.add(event.id);
    console.log(`${clock()} #${event.seq} ${event.type} ${event.subject}${again}`);
    res.writeHead(204).end();
  });
});

receiver.once('error', (error) =>
  fail(
    error.code === 'EADDRINUSE'
      ? `Port ${port} is in use on 127.0.0.1: pick another with -- --port N`
      : `Cannot listen on 127.0.0.1:${port}: ${error.message}`,
  ),
);
await new Promise((resolve) => receiver.listen(port, '127.0.0.1', resolve));

const subscription = (method, body) =>
  fetch(subscriptionUrl, {
    method,
    headers: { 'X-Edx-Api-Key': apiKey, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body && JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });

const url = `http://127.0.0.1:${port}/`;
const answer = await subscription('PUT', { url, event_types: eventTypes, secret }).catch((error) =>
  fail(
    `The service does not answer at ${service} (${error.cause?.code ?? error.message}).\n` +
      'Start it in another terminal with `npm start`, or name it with -- --service URL.',
  ),
);
if (answer.status !== 200 && answer.status !== 201) {
  const text = await answer.text();
  const hint = {
    401: 'The API key was refused: set EDX_API_KEY in .dev.vars to the key the service runs with.',
    403: 'The API key was refused: set EDX_API_KEY in .dev.vars to the key the service runs with.',
    404: 'This service has no webhook API (PUT /api/admin/v1/webhooks/{name}).',
  }[answer.status];
  const httpRefused = answer.status === 400 && /"url"/.test(text);
  const advice =
    hint ??
    (httpRefused ? 'Local http:// receivers need WEBHOOK_ALLOW_HTTP=true in .dev.vars (restart npm start).' : null);
  fail([`PUT ${subscriptionUrl} answered ${answer.status}: ${text.slice(0, 500)}`, advice].filter(Boolean).join('\n'));
}

console.log(`Receiving ${eventTypes.join(', ')} on ${url} (subscription ${NAME} on ${service}).`);
console.log(`Signing secret: ${secret}`);
console.log('Waiting for events (Ctrl-C stops; deliveries meanwhile are retried when it listens again).\n');
