// One autocannon run (in-process), with a progress line while it runs.
import autocannon from 'autocannon';

/**
 * Runs `scenario` against its origin for `seconds` with `connections` connections. Every request
 * comes from `scenario.next()` (autocannon's setupRequest), so writes can rotate per request.
 */
export function runLoad(scenario, { seconds, connections, label }) {
  return new Promise((resolve, reject) => {
    // What each transport error was (ECONNRESET, socket hang up, …): autocannon's result only counts them.
    const errorKinds = {};
    const instance = autocannon(
      {
        url: scenario.origin,
        connections,
        duration: seconds,
        timeout: scenario.timeoutSeconds ?? 10,
        requests: [
          {
            setupRequest: (request) => {
              const next = scenario.next();
              request.method = next.method;
              request.path = next.path;
              request.headers = next.headers;
              request.body = next.body;
              return request;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ ...summarise(result), errorKinds })),
    );
    instance.on('reqError', (error) => {
      const kind = error?.code ?? error?.message ?? String(error);
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    });
    const tty = process.stdout.isTTY;
    let ticks = 0;
    let requests = 0;
    instance.on('tick', (counter) => {
      ticks += 1;
      requests += counter.counter;
      const line = `    ${label}: ${ticks}/${seconds} s, ${requests} responses`;
      if (tty) process.stdout.write(`\r${line}   `);
      else if (ticks % 5 === 0 || ticks === seconds) console.log(line);
    });
    instance.on('done', () => {
      if (tty) process.stdout.write('\r\x1b[2K');
    });
  });
}

function summarise(result) {
  const completed = result.requests.total;
  return {
    rps: result.duration > 0 ? completed / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    completed,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
    seconds: result.duration,
  };
}
