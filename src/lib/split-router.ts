import { MESSAGE_MATCHER_IS_ALREADY_BUILT, type Result, type Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';

/**
 * Hono's RegExpRouter matches a request with one precompiled regular expression, but refuses a
 * table where a fixed segment and a parameter are siblings (upstream's `/programs/enrollments` next
 * to `/programs/{program_uuid}/…`). Hono's default SmartRouter then falls back to the TrieRouter for
 * *every* route, which walks the path segment by segment — measurably slower on the hot paths
 * (course details, health; see `npm run bench:profile`).
 *
 * This router keeps the RegExpRouter for everything except the path subtrees named in `trieFor`,
 * which go to a TrieRouter. A route whose pattern could match inside such a subtree (middleware on
 * `*`, a wildcard above it) is added to both, in registration order, so each half returns exactly
 * what a single router would for the paths it serves.
 *
 * Routes may be added after requests were matched (app.ts mounts each domain on its first request):
 * the RegExpRouter, which compiles its matcher once, is then rebuilt from every route it holds, and
 * compiles again on the next match. The TrieRouter takes routes at any time.
 */
export class SplitRouter<T> implements Router<T> {
  name = 'SplitRouter';
  #regexp = new RegExpRouter<T>();
  readonly #regexpRoutes: [string, string, T][] = [];
  readonly #trie = new TrieRouter<T>();

  constructor(private readonly trieFor: readonly string[]) {}

  add(method: string, path: string, handler: T): void {
    const inTrie = this.trieFor.some((prefix) => path.startsWith(prefix));
    const staticPart = path.split(/[:*{]/, 1)[0] ?? '';
    const reachesTrie = inTrie || this.trieFor.some((prefix) => prefix.startsWith(staticPart));
    if (!inTrie) this.#addToRegExp(method, path, handler);
    if (reachesTrie) this.#trie.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    return this.trieFor.some((prefix) => path.startsWith(prefix))
      ? this.#trie.match(method, path)
      : this.#regexp.match(method, path);
  }

  #addToRegExp(method: string, path: string, handler: T): void {
    try {
      this.#regexp.add(method, path, handler);
      this.#regexpRoutes.push([method, path, handler]);
    } catch (error) {
      // Only "matcher already built" is expected here; anything else is rethrown.
      if (!(error instanceof Error && error.message === MESSAGE_MATCHER_IS_ALREADY_BUILT)) throw error;
      this.#regexpRoutes.push([method, path, handler]);
      const fresh = new RegExpRouter<T>();
      for (const [m, p, h] of this.#regexpRoutes) fresh.add(m, p, h);
      this.#regexp = fresh;
    }
  }
}
