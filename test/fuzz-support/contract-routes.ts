import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the HTTP contract lives: beside the repository (README), or API_MD. */
export const API_MD = resolve(process.env.API_MD ?? '../shared/docs/api.md');

/**
 * Every route api.md names, as `METHOD /path/{param}` without its query: the code spans that start
 * with a method and an absolute path (route tables and the Operations list). `POST <webhook_url>` is
 * the platform calling out, not a route.
 */
export function contractRoutes(markdown = readContract()): string[] {
  const routes = [...markdown.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s?]*)[^`]*`/g)].map(([, method, path]) => `${method} ${path}`);
  return [...new Set(routes)].sort();
}

function readContract(): string {
  if (!existsSync(API_MD)) throw new Error(`api.md not found at ${API_MD}: set API_MD to the contract's path`);
  return readFileSync(API_MD, 'utf8');
}
