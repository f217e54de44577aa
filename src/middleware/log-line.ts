import { isolateState } from '../lib/isolate-state';

/**
 * Writes a request's JSON log line. The isolate's first `console.log` initialises the runtime's log
 * formatter, about 3 ms measured in workerd against ~5 µs for every later call
 * (docs/operations.md#start-up), so the isolate's first line is written once its response has gone
 * out (a timer, kept alive by `waitUntil`) rather than before: the first request does not wait for
 * the formatter. Every later line is written at once. A line still reaches Workers Logs either way.
 */
const formatter = isolateState(new Set<'started'>());

export function writeLogLine(line: string, waitUntil: (work: Promise<unknown>) => void): void {
  if (formatter.has('started')) {
    console.log(line);
    return;
  }
  formatter.add('started');
  waitUntil(
    new Promise<void>((resolve) =>
      setTimeout(() => {
        console.log(line);
        resolve();
      }, 0),
    ),
  );
}
