// `npm run build`, after tsc: bundles the daemon into dist/src/main.js (the bin, replacing tsc's
// main.js) and dist/src/sqlite-writer.js (the alert writer thread), with the chunks they share
// beside them as dist/src/bundle-*.js. Loading ~100 separate modules was most of the daemon's
// start-up time (the API must answer within half a second of launch); one bundle measured
// ~0.13 s faster. The rest of tsc's output (dist/src/**) stays for tools that import modules
// one by one; nothing the bin runs reads it.
//
// - Chunks sit in the same folder as sqlite-writer.js: the store starts the writer by its name
//   next to its own module (util/worker.ts), and in a bundle that module is a chunk.
// - better-sqlite3 stays outside (a native addon, loaded by path); so does zod, which
//   util/lazy.ts requires on first use through createRequire.
// - Bundled CommonJS packages call require() for Node's built-in modules: the banner gives every
//   output file a require of its own.
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry a hash: drop the previous build's.
for (const f of readdirSync('dist/src')) if (f.startsWith('bundle-')) rmSync(`dist/src/${f}`);

await build({
  entryPoints: { main: 'src/main.ts', 'sqlite-writer': 'src/store/sqlite-writer.ts' },
  outdir: 'dist/src',
  entryNames: '[name]',
  chunkNames: 'bundle-[name]-[hash]',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
