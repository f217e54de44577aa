/// <reference types="vite/client" />
import { expect, it } from 'vitest';
import { isolateState, resetIsolateState } from '../../src/lib/isolate-state';

const sources = import.meta.glob('../../src/**/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

/** A module-level collection that starts empty or is a Map: state the module fills as it runs. */
const MODULE_STATE = /^(?:export )?(?:const|let) (\w+)(?::[^=]+)? = new (?:Map\b|Set(?:<[^>]*>)?\(\))/;

// The suite runs many files in one isolate and empties isolate state between them
// (test/helpers/file-isolation.ts): state a module keeps outside the registry would leak from one
// test file into the next (docs/testing.md#isolation).
it('every module-level cache or counter of src/ is registered with isolateState', () => {
  expect(Object.keys(sources).length).toBeGreaterThan(50);
  const unregistered = Object.entries(sources).flatMap(([file, text]) =>
    text
      .split('\n')
      .filter((line) => MODULE_STATE.test(line))
      .map((line) => `${file}: ${line.trim()}`),
  );
  expect(unregistered).toEqual([]);
});

it('resetIsolateState empties every registered piece of state', () => {
  const map = isolateState(new Map([['k', 1]]));
  const set = isolateState(new Set(['v']));
  resetIsolateState();
  expect([map.size, set.size]).toEqual([0, 0]);
});
