// The CPU-per-request phase of `npm run bench` (issue 15, docs/benchmarks.md#cpu): the runtime's CPU
// time per request of each read scenario with a CPU target, measured in alternating pairs with the
// bare Worker. On these VMs the runtime's CPU per request drifts during a run (bare's moved 288 → 409
// µs/req within one BENCH_ONLY run at 1-2 % CPU pressure), so the main schedule's runs, minutes apart,
// compare a scenario with a bare measured in another moment. Here each pair's two runs follow each
// other, in alternating order, and the figure is the mean of the pairs' ratios. Same load as the main
// schedule by default: at 4 connections the per-request figures were far noisier (wake-ups per request).
import { runLoad } from './load.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** µs of runtime CPU per request of `scenario` over one run (after a one-second warm-up). */
async function cpuPerRequest(scenario, runtime, { seconds, connections, label }) {
  await runLoad(scenario, { seconds: 1, connections, label: `${label} warm-up` });
  await sleep(250);
  const before = runtime.cpuMs();
  const result = await runLoad(scenario, { seconds, connections, label });
  const after = runtime.cpuMs();
  await sleep(250);
  if (result.completed === 0 || result.non2xx || result.errors) {
    throw new Error(`${label}: ${result.completed} completed, ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return (1000 * (after - before)) / result.completed;
}

/**
 * For each of `names`: `rounds` pairs (bare then the scenario, the scenario then bare, …). Returns
 * per name `{ cpu_us, bare_cpu_us, ratio, pairs }`: the means over the pairs, `ratio` being the mean
 * of each pair's bare µs / the scenario's µs.
 */
export async function measureCpuPairs({ names, scenarios, runtimeOf, rounds, seconds, connections, log }) {
  const measured = {};
  for (const name of names) {
    const pairs = [];
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? ['bare', name] : [name, 'bare'];
      const us = {};
      for (const n of order) {
        const label = `cpu ${name} pair ${round + 1}/${rounds}: ${n}`;
        us[n] = await cpuPerRequest(scenarios[n], runtimeOf(scenarios[n]), { seconds, connections, label });
      }
      pairs.push({ bare_cpu_us: us.bare, cpu_us: us[name], ratio: us.bare / us[name] });
    }
    measured[name] = {
      cpu_us: mean(pairs.map((p) => p.cpu_us)),
      bare_cpu_us: mean(pairs.map((p) => p.bare_cpu_us)),
      ratio: mean(pairs.map((p) => p.ratio)),
      pairs,
    };
    const m = measured[name];
    log(
      `cpu ${name}: ${m.cpu_us.toFixed(0)} µs/req against bare ${m.bare_cpu_us.toFixed(0)}, ratio ${m.ratio.toFixed(3)} ` +
        `(pairs ${pairs.map((p) => p.ratio.toFixed(3)).join(', ')})`,
    );
  }
  return measured;
}
