import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A file the dashboard page is made of, kept in memory once read. */
export interface PageAsset {
  contentType: string;
  body: Buffer;
}

const PAGE = join(__dirname, 'page');
const JS = 'text/javascript; charset=utf-8';

/**
 * Every file the page may load, by the name it is served under: a fixed list, so no request can
 * name a path of its own. Chart.js is served from node_modules, never a CDN. The build compiles
 * only .ts and copies every other file as it is (swc --extensions .ts --copy-files), so `page/`
 * lands beside the compiled code with its browser modules untouched.
 */
const FILES: Record<string, { path: () => string; contentType: string }> = {
  'index.html': { path: () => join(PAGE, 'index.html'), contentType: 'text/html; charset=utf-8' },
  'dashboard.css': { path: () => join(PAGE, 'dashboard.css'), contentType: 'text/css; charset=utf-8' },
  'chart.umd.min.js': { path: () => join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), contentType: JS },
  ...Object.fromEntries(
    ['main.js', 'api.js', 'period.js', 'money.js', 'table.js', 'charts.js', 'revenue.js', 'businesses.js', 'outcomes.js', 'lag.js'].map(
      (name) => [name, { path: () => join(PAGE, name), contentType: JS }],
    ),
  ),
};

const loaded = new Map<string, PageAsset>();

/** The asset served as `name`, or undefined when there is none. */
export function pageAsset(name: string): PageAsset | undefined {
  const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!file) return undefined;
  let asset = loaded.get(name);
  if (!asset) {
    asset = { contentType: file.contentType, body: readFileSync(file.path()) };
    loaded.set(name, asset);
  }
  return asset;
}
