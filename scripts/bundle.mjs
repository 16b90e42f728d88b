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
// - luxon is bundled once. Its package has an ESM build for `import` (ours) and a CommonJS one
//   for `require` (cron-parser's), and Node and esbuild load both: two copies of the library and
//   its zone caches. Both now get the CommonJS build, which esbuild lets ours import by name.
// - Output files are pure ASCII. V8 keeps each loaded file's source text in memory for as long
//   as the process runs, and one character outside Latin-1 makes it keep the whole file as
//   two-byte text: the daemon's chunk (~2.3 MB) took ~4.5 MB. esbuild escapes strings, regular
//   expressions and identifiers (charset 'ascii', its default) but copies comments as written,
//   so what is left there (luxon's examples, our own `→` and `—`) is escaped afterwards.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  alias: { luxon: './node_modules/luxon/build/node/luxon.js' },
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});

// In a comment the escape is just text; in a string, regular expression or identifier that esbuild
// left unescaped (it keeps `µ` in regular expressions) it stands for the same character.
for (const f of readdirSync('dist/src')) {
  if (!f.endsWith('.js') || !(f.startsWith('bundle-') || f === 'main.js' || f === 'sqlite-writer.js')) continue;
  const path = `dist/src/${f}`;
  const text = readFileSync(path, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(path, ascii);
}
