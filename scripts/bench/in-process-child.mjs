// Child of scripts/bench/in-process.mjs: imports one bundle and times its `fetch` on one path, in
// this process, with stand-in bindings (the course details in a KV stub, no D1). Prints µs of CPU
// per request (user + system) after a warm-up. Node's Request and Response are JavaScript (undici),
// unlike workerd's, so the figure is "JavaScript per request, runtime excluded" plus a constant.
const [scriptUrl, path, varsJson, requests] = process.argv.slice(2);
const { default: worker } = await import(scriptUrl);
const course = JSON.stringify({
  course_id: 'course-v1:BenchX+C0000+2025',
  course_name: 'Bench course',
  enrollment_start: null,
  enrollment_end: null,
  course_start: null,
  course_end: null,
  invite_only: false,
  course_modes: [{ slug: 'audit', name: 'Audit', min_price: 0, suggested_prices: '', currency: 'usd' }],
  pacing_type: 'Instructor Paced',
});
const env = {
  ...JSON.parse(varsJson),
  CACHE: { get: async () => course, put: async () => {}, delete: async () => {} },
  DB: {
    withSession() {
      throw new Error('the in-process figure covers paths that never reach D1');
    },
  },
};
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
console.log = () => {}; // the request log line: workerd's console costs differ (measured apart)
const once = async () => {
  const res = await worker.fetch(new Request(`http://127.0.0.1${path}`), env, ctx);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
};
const n = Number(requests);
for (let i = 0; i < n / 4; i += 1) await once();
const before = process.cpuUsage();
for (let i = 0; i < n; i += 1) await once();
const used = process.cpuUsage(before);
process.stdout.write(String((used.user + used.system) / n));
