/**
 * Matchers in the three ways Alertmanager's config writes them: legacy `match` (label → value),
 * legacy `match_re` (label → RE2, anchored) and `matchers` (a list of matcher strings).
 */
import { MatcherError, newMatcher, type Matcher } from '../labels/matcher.js';
import { parseMatchers } from '../labels/parse.js';
import type { Cursor } from './cursor.js';
import { LABEL_NAME_WANTED, isLabelName } from './values.js';

function labelKey(c: Cursor, key: string): void {
  if (!isLabelName(key)) c.fail(`invalid label name "${key}"`, LABEL_NAME_WANTED, JSON.stringify(key));
}

/** `match:` — equality matchers in the order written. */
export function readMatchMap(c: Cursor): Matcher[] {
  return (c.strMap() ?? []).map(({ key, value, at }) => {
    labelKey(at, key);
    return newMatcher('=', key, value);
  });
}

/**
 * `match_re:` — regex matchers in the order written. As in Alertmanager, the value is the
 * anchored expression `^(?:<re>)$` (its compiled form), which is how the matcher prints (route
 * keys, amtool routes) and only then anchored again by the matcher: same matches.
 */
export function readMatchReMap(c: Cursor): Matcher[] {
  return (c.entries() ?? []).map(({ key, value }) => {
    labelKey(value, key);
    const re = value.str();
    if (re === undefined) return value.fail(`invalid regexp value for "${key}"`, 'an RE2 regular expression');
    try {
      return newMatcher('=~', key, `^(?:${re})$`);
    } catch (err) {
      if (err instanceof MatcherError) return value.failWith(err);
      throw err;
    }
  });
}

/** `matchers:` — each string may hold several comma-separated matchers. */
export function readMatcherList(c: Cursor): Matcher[] {
  return (c.list() ?? []).flatMap((item) => {
    const text = item.str() ?? '';
    try {
      return parseMatchers(text);
    } catch (err) {
      if (err instanceof MatcherError) return item.failWith(err);
      throw err;
    }
  });
}
