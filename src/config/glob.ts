/**
 * Go's filepath.Glob, which Alertmanager uses for `templates:`: `*` and `?` never cross a `/`,
 * `[a-z]` / `[^a-z]` classes, `\` escapes; no `**`, no braces; dot files match `*`; matches sorted
 * per folder; a pattern without magic characters matches itself if it exists. A malformed
 * pattern is an error even when nothing would match.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AlertrouterError } from '../util/errors.js';
import { compareStrings } from '../labels/labels.js';

/** Go's filepath.ErrBadPattern. */
export class GlobPatternError extends AlertrouterError {
  constructor(pattern: string, why: string) {
    super('bad_glob', `syntax error in pattern ${JSON.stringify(pattern)}: ${why}`);
  }
}

type Token =
  | { readonly t: 'star' }
  | { readonly t: 'any' }
  | { readonly t: 'lit'; readonly c: string }
  | { readonly t: 'class'; readonly negated: boolean; readonly ranges: ReadonlyArray<readonly [number, number]> };

function compile(pattern: string): Token[] {
  const cs = Array.from(pattern); // Go matches runes
  const out: Token[] = [];
  const bad = (why: string): never => {
    throw new GlobPatternError(pattern, why);
  };
  let i = 0;
  // One class member: a rune or an escaped rune; Go refuses '-' and ']' here and a pattern ending after it.
  const member = (): number => {
    let c = cs[i];
    if (c === undefined || c === '-' || c === ']') return bad('incomplete character class');
    if (c === '\\') {
      i++;
      c = cs[i];
      if (c === undefined) return bad('trailing backslash in character class');
    }
    i++;
    if (i >= cs.length) return bad('unterminated character class');
    return c.codePointAt(0)!;
  };
  while (i < cs.length) {
    const c = cs[i]!;
    if (c === '*') {
      out.push({ t: 'star' });
      i++;
    } else if (c === '?') {
      out.push({ t: 'any' });
      i++;
    } else if (c === '\\') {
      const next = cs[i + 1];
      if (next === undefined) bad('trailing backslash');
      out.push({ t: 'lit', c: next! });
      i += 2;
    } else if (c === '[') {
      i++;
      const negated = cs[i] === '^';
      if (negated) i++;
      const ranges: Array<[number, number]> = [];
      for (;;) {
        if (cs[i] === ']' && ranges.length > 0) {
          i++;
          break;
        }
        const lo = member();
        let hi = lo;
        if (cs[i] === '-') {
          i++;
          hi = member();
        }
        ranges.push([lo, hi]);
      }
      out.push({ t: 'class', negated, ranges });
    } else {
      out.push({ t: 'lit', c });
      i++;
    }
  }
  return out;
}

function matchTokens(tokens: readonly Token[], ti: number, name: readonly string[], ni: number): boolean {
  for (; ti < tokens.length; ti++) {
    const tok = tokens[ti]!;
    if (tok.t === 'star') {
      for (let k = ni; k <= name.length; k++) {
        if (k > ni && name[k - 1] === '/') return false;
        if (matchTokens(tokens, ti + 1, name, k)) return true;
      }
      return false;
    }
    const c = name[ni];
    if (c === undefined) return false;
    if (tok.t === 'any') {
      if (c === '/') return false;
    } else if (tok.t === 'lit') {
      if (c !== tok.c) return false;
    } else {
      const r = c.codePointAt(0)!;
      const inside = tok.ranges.some(([lo, hi]) => lo <= r && r <= hi);
      if (inside === tok.negated) return false;
    }
    ni++;
  }
  return ni === name.length;
}

/** Go's filepath.Match: whether `name` matches `pattern`; throws GlobPatternError for a malformed pattern. */
export function matchGoPattern(pattern: string, name: string): boolean {
  return matchTokens(compile(pattern), 0, Array.from(name), 0);
}

/** Throws GlobPatternError when Go's filepath.Glob would refuse the pattern. */
export function checkGoPattern(pattern: string): void {
  compile(pattern);
}

const hasMeta = (p: string) => /[*?[\\]/.test(p);

async function globDir(dir: string, pattern: string): Promise<string[]> {
  try {
    if (!(await stat(dir)).isDirectory()) return [];
  } catch {
    return [];
  }
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const tokens = compile(pattern);
  return names
    .sort(compareStrings)
    .filter((n) => matchTokens(tokens, 0, Array.from(n), 0))
    .map((n) => join(dir, n));
}

/**
 * Go's filepath.Glob: the paths matching `pattern`, or [] when none do (unreadable folders count
 * as empty). Throws GlobPatternError for a malformed pattern.
 */
export async function goGlob(pattern: string): Promise<string[]> {
  checkGoPattern(pattern);
  if (!hasMeta(pattern)) {
    try {
      await lstat(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const slash = pattern.lastIndexOf('/');
  const rawDir = pattern.slice(0, slash + 1);
  const file = pattern.slice(slash + 1);
  const dir = rawDir === '' ? '.' : rawDir === '/' ? '/' : rawDir.slice(0, -1);
  if (!hasMeta(dir)) return globDir(dir, file);
  if (dir === pattern) throw new GlobPatternError(pattern, 'pattern does not shrink');
  const out: string[] = [];
  for (const d of await goGlob(dir)) out.push(...(await globDir(d, file)));
  return out;
}
