// The CPU-per-request phase of `npm run bench` (issue 15, docs/benchmarks.md#cpu-phase): the runtime's
// CPU time per request of each read scenario with a CPU target, against the bare Worker's, both loaded
// at the same time. On these VMs the CPU cost of the same work swings by ±15 % within seconds: bare
// measured against a second bare runtime in back-to-back runs (4 s each, alternating order) gave
// ratios 0.81–1.29, means of four 0.98–1.14. Loaded side by side, both runtimes live through the same
// moment of the machine: the same check gave means of 0.97–1.02 (docs/benchmarks.md#cpu-phase). Each round therefore loads
// bare and the scenario together (half the connections each, which one is started first alternating)
// and the figure is the mean of the rounds' ratios. The same rounds of bare against a twin bare
// runtime give the run's own noise floor (`meta.cpu_noise`), so a reader can tell a MISS from a swing.
import { runLoad } from './load.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Loads both scenarios for `seconds` at once; µs of their runtimes' CPU per completed request. */
async function sideBySide([first, second], { seconds, connections, label }) {
  const share = Math.max(1, Math.floor(connections / 2));
  const before = [first.runtime.cpuMs(), second.runtime.cpuMs()];
  const results = await Promise.all(
    [first, second].map((s) => runLoad(s.scenario, { seconds, connections: share, label: `${label}: ${s.name}` })),
  );
  const after = [first.runtime.cpuMs(), second.runtime.cpuMs()];
  await sleep(250);
  return results.map((result, i) => {
    if (result.completed === 0 || result.non2xx || result.errors) {
      throw new Error(`${label}: ${result.completed} completed, ${result.non2xx} non-2xx, ${result.errors} errors`);
    }
    return (1000 * (after[i] - before[i])) / result.completed;
  });
}

/** `rounds` side-by-side rounds of `reference` (bare) and `measured`; the mean of bare µs / measured µs. */
async function measureAgainst(reference, measured, { rounds, seconds, connections, label }) {
  const warmUp = { seconds: 1, connections, label: `${label} warm-up` };
  await sideBySide([reference, measured], warmUp);
  const pairs = [];
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? [reference, measured] : [measured, reference];
    const us = await sideBySide(order, { seconds, connections, label: `${label} round ${round + 1}/${rounds}` });
    const [bareUs, cpuUs] = [reference, measured].map((entry) => us[order.indexOf(entry)]);
    pairs.push({ bare_cpu_us: bareUs, cpu_us: cpuUs, ratio: bareUs / cpuUs });
  }
  return {
    cpu_us: mean(pairs.map((p) => p.cpu_us)),
    bare_cpu_us: mean(pairs.map((p) => p.bare_cpu_us)),
    ratio: mean(pairs.map((p) => p.ratio)),
    pairs,
  };
}

const describe = (m) =>
  `${m.cpu_us.toFixed(0)} µs/req against bare ${m.bare_cpu_us.toFixed(0)}, ratio ${m.ratio.toFixed(3)} ` +
  `(rounds ${m.pairs.map((p) => p.ratio.toFixed(3)).join(', ')})`;

/**
 * For each of `names`, then for `twin` (a second bare runtime serving bare's scenario, when given):
 * side-by-side rounds against bare. Returns `{ measured: { name: { cpu_us, bare_cpu_us, ratio, pairs } },
 * noise }`, `noise` being the twin's figures (a perfect measure would give ratio 1) or null.
 */
export async function measureCpuPairs({ names, scenarios, runtimeOf, twin, rounds, seconds, connections, log }) {
  const entry = (name, scenario) => ({ name, scenario, runtime: runtimeOf(scenario) });
  const reference = entry('bare', scenarios.bare);
  const options = { rounds, seconds, connections };
  const measured = {};
  for (const name of names) {
    measured[name] = await measureAgainst(reference, entry(name, scenarios[name]), {
      ...options,
      label: `cpu ${name}`,
    });
    log(`cpu ${name}: ${describe(measured[name])}`);
  }
  let noise = null;
  if (twin) {
    noise = await measureAgainst(reference, { name: 'bare twin', ...twin }, { ...options, label: 'cpu bare twin' });
    log(`cpu noise floor, bare against a twin bare runtime: ${describe(noise)}`);
  }
  return { measured, noise };
}
