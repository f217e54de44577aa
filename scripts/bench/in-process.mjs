// JavaScript per request of the cheap read paths, runtime excluded (docs/benchmarks.md#in-process):
// each bundle's `fetch` called in a fresh Node process (scripts/bench/in-process-child.mjs), bare
// and service alternating, median of the rounds. No network, no workerd: what is left is the code
// the service runs beyond the bare Worker's, far steadier than the runtime's CPU time per request,
// which the network and the runtime dominate. Informational: the targets stay on the runtime's CPU.
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { median, mjsCopy } from './cold-start.mjs';

const CHILD = new URL('./in-process-child.mjs', import.meta.url).pathname;

function timeOnce(script, path, vars, requests) {
  const out = execFileSync(
    process.execPath,
    [CHILD, pathToFileURL(script).href, path, JSON.stringify(vars), String(requests)],
    {
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return Number(out);
}

/** `{ bare_us, <scenario>_us … }` (µs per request, medians of `rounds`), for bare and the paths given. */
export function measureInProcess({ serviceScript, bareScript, vars, paths, rounds = 3, requests = 20_000 }) {
  const [service, bare] = [serviceScript, bareScript].map((path) => mjsCopy(path, 'in-process.mjs'));
  const runs = { bare: [] };
  for (const name of Object.keys(paths)) runs[name] = [];
  for (let round = 0; round < rounds; round += 1) {
    runs.bare.push(timeOnce(bare, '/bare', {}, requests));
    for (const [name, { path, vars: extra = {} }] of Object.entries(paths)) {
      runs[name].push(timeOnce(service, path, { ...vars, ...extra }, requests));
    }
  }
  const figures = Object.fromEntries(Object.entries(runs).map(([name, list]) => [`${name}_us`, round1(median(list))]));
  return { figures, runs };
}

const round1 = (x) => Math.round(x * 10) / 10;
