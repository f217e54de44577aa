import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addDelivery,
  CREATED,
  cleanUp,
  deleteSubscription,
  deliver,
  deliveryOf,
  enrollmentEvent,
  receive,
  runQueue,
  silent,
  subscribe,
  type Vars,
} from './support';

// docs/events.md#costs: a delivery attempt is at most two D1 queries (load, record). Counted at the
// binding, below Drizzle and the service's own metrics: every statement run and every batch sent to
// the real D1 is one round trip.

afterEach(cleanUp);

const EXECUTORS = new Set(['first', 'all', 'raw', 'run']);
const REAL = Symbol('real statement');

function countingStatement(stmt: D1PreparedStatement, count: () => void): D1PreparedStatement {
  return new Proxy(stmt, {
    get(target, prop) {
      if (prop === REAL) return target;
      if (prop === 'bind') return (...values: unknown[]) => countingStatement(target.bind(...values), count);
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && EXECUTORS.has(prop)) {
        return (...args: unknown[]) => {
          count();
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}

/** The real D1 binding, counting round trips. */
function countingD1() {
  const counter = { queries: 0 };
  const count = () => {
    counter.queries += 1;
  };
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'prepare') return (query: string) => countingStatement(target.prepare(query), count);
      if (prop === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          count();
          return target.batch(statements.map((s) => (s as unknown as Record<symbol, D1PreparedStatement>)[REAL] ?? s));
        };
      }
      if (prop === 'exec') {
        return (query: string) => {
          count();
          return target.exec(query);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { counter, vars: { DB: db } };
}

/** The round trips one deliver message cost, the receiver answering with `respond`. */
async function attemptCost(respond: Parameters<typeof receive>[1], vars: Vars = {}) {
  const { event } = await enrollmentEvent();
  const sub = await subscribe([CREATED]);
  await addDelivery(sub.name, event.seq);
  receive(sub.url, respond);
  const { counter, vars: counted } = countingD1();
  await runQueue([deliver(sub.name, event.seq)], { ...vars, ...counted });
  return { queries: counter.queries, row: await deliveryOf(sub.name, event.seq), sub, event, counted, counter };
}

describe('one delivery attempt', () => {
  it('that succeeds: two queries', async () => {
    const { queries, row } = await attemptCost(() => new Response(null, { status: 204 }));
    expect(row?.status).toBe('succeeded');
    expect(queries).toBe(2);
  });

  it('that fails and is retried: two queries', async () => {
    const { queries, row } = await attemptCost(() => new Response(null, { status: 500 }));
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(queries).toBe(2);
  });

  it('that times out: two queries', async () => {
    const { queries, row } = await attemptCost(silent, { WEBHOOK_TIMEOUT_SECONDS: '1' });
    expect(row?.last_error).toBe('no answer within 1 s');
    expect(queries).toBe(2);
  });

  it('answered 410 (the delivery recorded and the subscription disabled): two queries', async () => {
    const { queries, row } = await attemptCost(() => new Response(null, { status: 410 }));
    expect(row?.status).toBe('failed');
    expect(queries).toBe(2);
  });

  it('a duplicate message for a settled delivery, or one whose subscription is gone: one query', async () => {
    const { sub, event, counted, counter } = await attemptCost(() => new Response(null, { status: 200 }));
    counter.queries = 0;
    await runQueue([deliver(sub.name, event.seq)], counted);
    expect(counter.queries).toBe(1);
    await deleteSubscription(sub.name);
    counter.queries = 0;
    await runQueue([deliver(sub.name, event.seq)], counted);
    expect(counter.queries).toBe(1);
  });
});

describe('a batch of dispatch messages', () => {
  it('fans out once: one query, plus two for the attempt made inline', async () => {
    const sub = await subscribe([CREATED]);
    receive(sub.url);
    const { event } = await enrollmentEvent();
    const { counter, vars } = countingD1();
    const { result, ids } = await runQueue([{ kind: 'dispatch' }, { kind: 'dispatch' }, { kind: 'dispatch' }], vars);
    expect(result.explicitAcks.sort()).toEqual([...ids].sort());
    expect((await deliveryOf(sub.name, event.seq))?.status).toBe('succeeded');
    expect(counter.queries).toBe(3);
  });
});
