import { env } from 'cloudflare:test';
import { afterEach, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import { closeFile, fence, openFile } from '../helpers/queue-fence';
import { unique } from '../helpers/request';

// The fence between test files around the local queues (docs/testing.md#isolation,
// test/helpers/queue-fence.ts). Each test stands in for the Worker's consumer with a spy that
// acknowledges what it gets; the end of a file and the start of the next are played with the
// setup's own `closeFile` and `openFile`. Earlier files' messages may arrive meanwhile (and are
// dropped): each test follows its own message, marked with a unique `probe`.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const probe = () => ({ kind: 'dispatch', probe: unique('probe') });
const send = (body: object, options?: QueueSendOptions) => (env.EVENTS as Queue).send(body, options);

function consumer(work: () => Promise<void> = async () => undefined) {
  const handlers = worker as Required<Pick<ExportedHandler<Env>, 'queue'>>;
  const received: MessageBatch[] = [];
  vi.spyOn(handlers, 'queue').mockImplementation(async (batch) => {
    received.push(batch);
    await work();
    for (const m of batch.messages) m.ack();
  });
  return { bodies: () => received.flatMap((batch) => batch.messages.map((m) => m.body)), received };
}

afterEach(() => {
  vi.restoreAllMocks();
});

it("the running file's messages reach the consumer as they were sent", async () => {
  const queue = consumer();
  const body = probe();
  await send(body);
  await vi.waitFor(() => expect(queue.bodies()).toContainEqual(body), { timeout: 5_000, interval: 20 });
  expect(queue.received.map((batch) => batch.queue)).toContain('enrollment-events');
});

it("an earlier file's message is acknowledged without reaching the consumer", async () => {
  const queue = consumer();
  const body = probe();
  await send(body, { delaySeconds: 1 });
  await closeFile();
  openFile();
  await vi.waitFor(() => expect(fence.dropped).toContainEqual(body), { timeout: 5_000, interval: 20 });
  // Acknowledged, so not delivered again: past the queue's batch wait (1 s), still nothing.
  await sleep(1_200);
  expect(queue.bodies()).not.toContainEqual(body);
});

it('a file ends only once the deliveries it started have finished', async () => {
  let finished = false;
  consumer(async () => {
    await sleep(300);
    finished = true;
  });
  await send(probe());
  await vi.waitFor(() => expect(fence.inFlight).toBeGreaterThan(0), { timeout: 5_000, interval: 5 });
  await closeFile();
  expect(finished).toBe(true);
  expect(fence.inFlight).toBe(0);
  openFile();
});
