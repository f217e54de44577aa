/**
 * The isolate's start-up rehearsal (docs/operations.md#start-up). A new isolate's first request
 * used to wait ~2.5 ms for V8's first execution of the request path: Hono's dispatch, the request
 * context, the configuration's parse, the CORS check. Cloudflare starts an isolate while the
 * client's TLS handshake runs, so work done at module evaluation is hidden behind the handshake
 * where first-request work is not. The Worker's top level therefore sends one CORS preflight
 * through the whole app: it touches no binding and, unlike a GET, needs no response body, which
 * the runtime refuses to build at module evaluation (as it refuses random values and timers: the
 * preflight carries its request id and writes no log line).
 */
const START_UP_ORIGIN = 'https://start-up.invalid';

/** The rehearsal's env: nothing but the CORS whitelist its preflight needs. */
export const START_UP_ENV = Object.freeze({ CORS_ORIGIN_WHITELIST: START_UP_ORIGIN }) as unknown as Env;

export const START_UP_REQUEST_ID = 'start-up';

/** No work outlives the rehearsal, so nothing waits on it (the app uses no other member). */
const rehearsalContext = {
  waitUntil() {},
  passThroughOnException() {},
} as Pick<ExecutionContext, 'waitUntil' | 'passThroughOnException'> as ExecutionContext;

type Fetch = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

/**
 * Sends the rehearsal preflight through `fetch`; resolves to whether it was answered as a preflight
 * is (204). Never rejects: a failed rehearsal costs the first request its warm-up, nothing else.
 */
export async function rehearseRequest(fetch: Fetch): Promise<boolean> {
  const preflight = new Request(`${START_UP_ORIGIN}/health`, {
    method: 'OPTIONS',
    headers: {
      Origin: START_UP_ORIGIN,
      'Access-Control-Request-Method': 'GET',
      'X-Request-Id': START_UP_REQUEST_ID,
    },
  });
  try {
    return (await fetch(preflight, START_UP_ENV, rehearsalContext)).status === 204;
  } catch {
    return false;
  }
}
