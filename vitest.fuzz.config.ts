import { mergeConfig } from 'vitest/config';
import base from './vitest.config';

// `npm run test:fuzz`: the long fuzz run (test/hardening/fuzz.test.ts). FUZZ_RUNS (default 10,000)
// and FUZZ_SEED (default: a fresh one, printed with the summary) reach the test through `inject`.
declare const process: { env: Record<string, string | undefined> };

export default mergeConfig(base, {
  test: {
    provide: {
      fuzzRuns: Number(process.env.FUZZ_RUNS ?? 10_000),
      fuzzSeed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31),
    },
  },
});
