// package.json against the code: every production dependency is imported by src/ (the runtime
// image installs exactly these, so one nothing imports only adds install time, size and audit
// surface).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Package names a source file imports (static, type-only, dynamic and side-effect imports). */
function importedPackages(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"./][^'"]*)['"]/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    out.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return out;
}

test('package.json: every production dependency is imported by src/', () => {
  const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const imported = new Set(sources(join(ROOT, 'src')).flatMap((f) => [...importedPackages(readFileSync(f, 'utf8'))]));
  const unused = Object.keys(dependencies).filter((d) => !imported.has(d));
  assert.deepEqual(unused, [], `dependencies nothing in src/ imports: ${unused.join(', ')}`);
});
