// Contextual escaping as Go's html/template does it, for email HTML bodies.
//
// Go computes each action's context statically before executing; here the context is tracked
// while executing, from the template's static text only (values never move it), which gives
// the same escaping for templates Go accepts. Differences, by design:
//  - Go rejects templates whose {{if}} branches or {{range}} bodies end in different
//    contexts; here each execution simply follows the branch taken.
//  - Only the contexts Alertmanager templates meet are handled exactly: text, RCDATA (title,
//    textarea), attribute names and values (quoted and unquoted), URL attributes (scheme
//    filter, normalisation, query escaping), HTML comments (removed, as Go does). Inside
//    <script>/<style> and on*/style attributes values go through Go's JS and CSS escapers, but
//    JS template literals, regexp literals and CSS escape decoding are approximated; srcset
//    is treated as a URL.
// safeHtml (template.HTML) is not escaped in text; safeUrl (template.URL) skips the URL filter.

import { EscapeError, type ActionEscaper } from './exec.js';
import { sprint } from './fmt.js';
import { goToJson, T_HTML, T_URL } from './funcs.js';
import type { PipeNode } from './ast.js';
import { queryEscape } from '../util/gourl.js';
import { htmlEscapeString } from './builtins.js';
import { GoNamed, type GoValue } from './values.js';

type State =
  | 'text'
  | 'tag'
  | 'attrName'
  | 'afterName'
  | 'beforeValue'
  | 'htmlCmt'
  | 'rcdata'
  | 'attr'
  | 'url'
  | 'srcset'
  | 'js'
  | 'jsDqStr'
  | 'jsSqStr'
  | 'jsBqStr'
  | 'jsRegexp'
  | 'jsBlockCmt'
  | 'jsLineCmt'
  | 'css'
  | 'cssDqStr'
  | 'cssSqStr'
  | 'cssDqURL'
  | 'cssSqURL'
  | 'cssURL'
  | 'cssBlockCmt'
  | 'cssLineCmt'
  | 'error';
type Delim = 'none' | 'dq' | 'sq' | 'spaceOrTagEnd';
type UrlPart = 'none' | 'preQuery' | 'queryOrFrag';
type JsCtx = 'regexp' | 'divOp';
type Attr = 'none' | 'script' | 'scriptType' | 'style' | 'url' | 'srcset';
type Element = 'none' | 'script' | 'style' | 'textarea' | 'title';

interface Context {
  readonly state: State;
  readonly delim: Delim;
  readonly urlPart: UrlPart;
  readonly jsCtx: JsCtx;
  readonly attr: Attr;
  readonly element: Element;
  readonly err?: string;
}

const TEXT: Context = { state: 'text', delim: 'none', urlPart: 'none', jsCtx: 'regexp', attr: 'none', element: 'none' };

function ctx(over: Partial<Context>): Context {
  return { ...TEXT, ...over };
}

function isComment(s: State): boolean {
  return s === 'htmlCmt' || s === 'jsBlockCmt' || s === 'jsLineCmt' || s === 'cssBlockCmt' || s === 'cssLineCmt';
}
function isInTag(s: State): boolean {
  return s === 'tag' || s === 'attrName' || s === 'afterName' || s === 'beforeValue' || s === 'attr';
}
function isInScriptLiteral(s: State): boolean {
  return s === 'jsDqStr' || s === 'jsSqStr' || s === 'jsBqStr' || s === 'jsRegexp';
}

// --- attribute and element classification ----------------------------------------------------

const URL_ATTRS = new Set([
  'action',
  'archive',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'formaction',
  'href',
  'icon',
  'longdesc',
  'manifest',
  'poster',
  'profile',
  'src',
  'usemap',
  'xmlns',
]);
type ContentType = 'plain' | 'url' | 'css' | 'js' | 'srcset' | 'html';

/** Go's attrType: what kind of content an attribute's value holds. */
function attrType(rawName: string): ContentType {
  let name = rawName;
  if (name.startsWith('data-')) {
    name = name.slice(5);
  } else if (name.includes(':')) {
    const [prefix, short] = [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)];
    if (prefix === 'xmlns') return 'url';
    name = short;
  }
  if (URL_ATTRS.has(name)) return 'url';
  if (name === 'style') return 'css';
  if (name === 'srcset') return 'srcset';
  if (name === 'srcdoc') return 'html';
  if (name.startsWith('on')) return 'js';
  if (name.includes('src') || name.includes('uri') || name.includes('url')) return 'url';
  return 'plain';
}

const ELEMENTS: Readonly<Record<string, Element>> = { script: 'script', style: 'style', textarea: 'textarea', title: 'title' };

function elementContentState(e: Element): State {
  switch (e) {
    case 'script':
      return 'js';
    case 'style':
      return 'css';
    case 'textarea':
    case 'title':
      return 'rcdata';
    default:
      return 'text';
  }
}

function attrStartState(a: Attr): State {
  switch (a) {
    case 'script':
      return 'js';
    case 'style':
      return 'css';
    case 'url':
      return 'url';
    case 'srcset':
      return 'srcset';
    default:
      return 'attr';
  }
}

const isAsciiAlpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);
const isAsciiAlnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c);
const HTML_SPACE = /[ \t\n\f\r]/;

function eatWhiteSpace(s: string, i: number): number {
  while (i < s.length && HTML_SPACE.test(s[i]!)) i++;
  return i;
}

function eatTagName(s: string, i: number): { j: number; element: Element } {
  if (!isAsciiAlpha(s[i])) return { j: i, element: 'none' };
  let j = i + 1;
  while (j < s.length) {
    const x = s[j];
    if (isAsciiAlnum(x)) {
      j++;
      continue;
    }
    if ((x === ':' || x === '-') && isAsciiAlnum(s[j + 1])) {
      j += 2;
      continue;
    }
    break;
  }
  return { j, element: ELEMENTS[s.slice(i, j).toLowerCase()] ?? 'none' };
}

function eatAttrName(s: string, i: number): { j: number; err?: string } {
  for (let j = i; j < s.length; j++) {
    const c = s[j]!;
    if (' \t\n\f\r=>'.includes(c)) return { j };
    if ("'\"<".includes(c)) return { j: -1, err: `${JSON.stringify(c)} in attribute name: ${JSON.stringify(s.slice(0, 32))}` };
  }
  return { j: s.length };
}

// --- transitions (Go's transition.go) ---------------------------------------------------------

type Transition = (c: Context, s: string) => [Context, number];

const tText: Transition = (c, s) => {
  let k = 0;
  for (;;) {
    const i = s.indexOf('<', k);
    if (i < 0 || i + 1 === s.length) return [c, s.length];
    if (s.startsWith('<!--', i)) return [ctx({ state: 'htmlCmt' }), i + 4];
    let j = i + 1;
    let end = false;
    if (s[j] === '/') {
      if (j + 1 === s.length) return [c, s.length];
      end = true;
      j++;
    }
    const tag = eatTagName(s, j);
    if (tag.j !== j) return [ctx({ state: 'tag', element: end ? 'none' : tag.element }), tag.j];
    k = tag.j;
  }
};

const tTag: Transition = (c, s) => {
  const i = eatWhiteSpace(s, 0);
  if (i === s.length) return [c, s.length];
  if (s[i] === '>') return [ctx({ state: elementContentState(c.element), element: c.element }), i + 1];
  const { j, err } = eatAttrName(s, i);
  if (err !== undefined) return [ctx({ state: 'error', err }), s.length];
  if (i === j) {
    return [ctx({ state: 'error', err: `expected space, attr name, or end of tag, but got ${JSON.stringify(s.slice(i))}` }), s.length];
  }
  const name = s.slice(i, j).toLowerCase();
  let attr: Attr = 'none';
  if (c.element === 'script' && name === 'type') {
    attr = 'scriptType';
  } else {
    const t = attrType(name);
    attr = t === 'url' ? 'url' : t === 'css' ? 'style' : t === 'js' ? 'script' : t === 'srcset' ? 'srcset' : 'none';
  }
  return [ctx({ state: j === s.length ? 'attrName' : 'afterName', element: c.element, attr }), j];
};

const tAttrName: Transition = (c, s) => {
  const { j, err } = eatAttrName(s, 0);
  if (err !== undefined) return [ctx({ state: 'error', err }), s.length];
  if (j !== s.length) return [{ ...c, state: 'afterName' }, j];
  return [c, j];
};

const tAfterName: Transition = (c, s) => {
  const i = eatWhiteSpace(s, 0);
  if (i === s.length) return [c, s.length];
  if (s[i] !== '=') return [{ ...c, state: 'tag' }, i]; // valueless attribute or tag end
  return [{ ...c, state: 'beforeValue' }, i + 1];
};

const tBeforeValue: Transition = (c, s) => {
  let i = eatWhiteSpace(s, 0);
  if (i === s.length) return [c, s.length];
  let delim: Delim = 'spaceOrTagEnd';
  if (s[i] === "'") {
    delim = 'sq';
    i++;
  } else if (s[i] === '"') {
    delim = 'dq';
    i++;
  }
  return [{ ...c, state: attrStartState(c.attr), delim }, i];
};

const tHTMLCmt: Transition = (c, s) => {
  const i = s.indexOf('-->');
  return i >= 0 ? [TEXT, i + 3] : [c, s.length];
};

const tAll: Transition = (c, s) => [c, s.length];

const tURL: Transition = (c, s) => {
  if (/[#?]/.test(s)) return [{ ...c, urlPart: 'queryOrFrag' }, s.length];
  if (eatWhiteSpace(s, 0) !== s.length && c.urlPart === 'none') return [{ ...c, urlPart: 'preQuery' }, s.length];
  return [c, s.length];
};

const REGEXP_PRECEDERS = new Set([
  'break',
  'case',
  'continue',
  'delete',
  'do',
  'else',
  'finally',
  'in',
  'instanceof',
  'return',
  'throw',
  'try',
  'typeof',
  'void',
]);

/** Go's nextJSCtx: whether a '/' after `s` starts a regexp or a division. */
function nextJSCtx(text: string, preceding: JsCtx): JsCtx {
  const s = text.replace(/[\t\n\f\r \u2028\u2029]+$/, '');
  if (s === '') return preceding;
  const c = s[s.length - 1]!;
  const n = s.length;
  if (c === '+' || c === '-') {
    let start = n - 1;
    while (start > 0 && s[start - 1] === c) start--;
    return (n - start) % 2 === 1 ? 'regexp' : 'divOp';
  }
  if (c === '.') return n !== 1 && /[0-9]/.test(s[n - 2]!) ? 'divOp' : 'regexp';
  if (',<>=*%&|^?!~([:;{}'.includes(c)) return 'regexp';
  const word = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_]*$/u.exec(s)![0];
  return REGEXP_PRECEDERS.has(word) ? 'regexp' : 'divOp';
}

const tJS: Transition = (c, s) => {
  const m = /["'`/]/.exec(s);
  if (!m) return [{ ...c, jsCtx: nextJSCtx(s, c.jsCtx) }, s.length];
  let i = m.index;
  const jsCtx = nextJSCtx(s.slice(0, i), c.jsCtx);
  switch (s[i]) {
    case '"':
      return [{ ...c, state: 'jsDqStr', jsCtx: 'regexp' }, i + 1];
    case "'":
      return [{ ...c, state: 'jsSqStr', jsCtx: 'regexp' }, i + 1];
    case '`':
      return [{ ...c, state: 'jsBqStr', jsCtx: 'regexp' }, i + 1];
  }
  if (s[i + 1] === '/') return [{ ...c, state: 'jsLineCmt', jsCtx }, i + 2];
  if (s[i + 1] === '*') return [{ ...c, state: 'jsBlockCmt', jsCtx }, i + 2];
  if (jsCtx === 'regexp') return [{ ...c, state: 'jsRegexp', jsCtx }, i + 1];
  i++;
  return [{ ...c, jsCtx: 'regexp' }, i];
};

const tJSDelimited: Transition = (c, s) => {
  const specials = c.state === 'jsSqStr' ? "\\'" : c.state === 'jsBqStr' ? '\\`' : c.state === 'jsRegexp' ? '\\/[]' : '\\"';
  let inCharset = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (!specials.includes(ch)) continue;
    if (ch === '\\') {
      i++;
      if (i === s.length) {
        return [ctx({ state: 'error', err: `unfinished escape sequence in JS string: ${JSON.stringify(s)}` }), s.length];
      }
    } else if (ch === '[') {
      inCharset = true;
    } else if (ch === ']') {
      inCharset = false;
    } else if (!inCharset) {
      return [{ ...c, state: 'js', jsCtx: 'divOp' }, i + 1];
    }
  }
  if (inCharset) return [ctx({ state: 'error', err: `unfinished JS regexp charset: ${JSON.stringify(s)}` }), s.length];
  return [c, s.length];
};

const tBlockCmt: Transition = (c, s) => {
  const i = s.indexOf('*/');
  if (i < 0) return [c, s.length];
  return [{ ...c, state: c.state === 'jsBlockCmt' ? 'js' : 'css' }, i + 2];
};

const tLineCmt: Transition = (c, s) => {
  const js = c.state === 'jsLineCmt';
  const m = (js ? /[\n\r\u2028\u2029]/ : /[\n\f\r]/).exec(s);
  if (!m) return [c, s.length];
  return [{ ...c, state: js ? 'js' : 'css' }, m.index];
};

const tCSS: Transition = (c, s) => {
  let k = 0;
  for (;;) {
    const rest = s.slice(k);
    const m = /[("'/]/.exec(rest);
    if (!m) return [c, s.length];
    const i = k + m.index;
    switch (s[i]) {
      case '(': {
        const before = s.slice(0, i).replace(/[\t\n\f\r ]+$/, '');
        if (/url$/i.test(before) && !/[-\w]url$/i.test(before)) {
          let j = s.length - s.slice(i + 1).replace(/^[\t\n\f\r ]+/, '').length;
          let state: State = 'cssURL';
          if (s[j] === '"') {
            state = 'cssDqURL';
            j++;
          } else if (s[j] === "'") {
            state = 'cssSqURL';
            j++;
          }
          return [{ ...c, state }, j];
        }
        break;
      }
      case '/':
        if (s[i + 1] === '/') return [{ ...c, state: 'cssLineCmt' }, i + 2];
        if (s[i + 1] === '*') return [{ ...c, state: 'cssBlockCmt' }, i + 2];
        break;
      case '"':
        return [{ ...c, state: 'cssDqStr' }, i + 1];
      case "'":
        return [{ ...c, state: 'cssSqStr' }, i + 1];
    }
    k = i + 1;
  }
};

const tCSSStr: Transition = (c, s) => {
  const endAndEsc =
    c.state === 'cssDqStr' || c.state === 'cssDqURL' ? '\\"' : c.state === 'cssSqStr' || c.state === 'cssSqURL' ? "\\'" : '\\\t\n\f\r )';
  let cur = c;
  let k = 0;
  for (;;) {
    let i = -1;
    for (let j = k; j < s.length; j++) {
      if (endAndEsc.includes(s[j]!)) {
        i = j;
        break;
      }
    }
    if (i < 0) {
      const [c2] = tURL(cur, s.slice(k));
      return [c2, s.length];
    }
    if (s[i] === '\\') {
      i++;
      if (i === s.length) {
        return [ctx({ state: 'error', err: `unfinished escape sequence in CSS string: ${JSON.stringify(s)}` }), s.length];
      }
    } else {
      return [{ ...cur, state: 'css' }, i + 1];
    }
    [cur] = tURL(cur, s.slice(0, i + 1));
    k = i + 1;
  }
};

const TRANSITIONS: Readonly<Record<State, Transition>> = {
  text: tText,
  tag: tTag,
  attrName: tAttrName,
  afterName: tAfterName,
  beforeValue: tBeforeValue,
  htmlCmt: tHTMLCmt,
  rcdata: tAll,
  attr: tAll,
  url: tURL,
  srcset: tURL,
  js: tJS,
  jsDqStr: tJSDelimited,
  jsSqStr: tJSDelimited,
  jsBqStr: tJSDelimited,
  jsRegexp: tJSDelimited,
  jsBlockCmt: tBlockCmt,
  jsLineCmt: tLineCmt,
  css: tCSS,
  cssDqStr: tCSSStr,
  cssSqStr: tCSSStr,
  cssDqURL: tCSSStr,
  cssSqURL: tCSSStr,
  cssURL: tCSSStr,
  cssBlockCmt: tBlockCmt,
  cssLineCmt: tLineCmt,
  error: tAll,
};

const SPECIAL_END_TAG: Partial<Record<Element, string>> = {
  script: 'script',
  style: 'style',
  textarea: 'textarea',
  title: 'title',
};

// Where `</tag` (case-insensitive, followed by a separator) starts in s, or -1.
function indexTagEnd(s: string, tag: string): number {
  const re = new RegExp(`</${tag}[> \\t\\n\\f/]`, 'i');
  const m = re.exec(s);
  return m ? m.index : -1;
}

function unescapeEntities(s: string): string {
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|amp|lt|gt|quot|apos|#39);?/g, (m, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return m;
  });
}

const DELIM_ENDS: Readonly<Record<Delim, string>> = { none: '', dq: '"', sq: "'", spaceOrTagEnd: ' \t\n\f\r>' };

function isJSType(mime: string): boolean {
  const t = mime.split(';')[0]!.trim().toLowerCase();
  return [
    'application/ecmascript',
    'application/javascript',
    'application/json',
    'application/ld+json',
    'application/x-ecmascript',
    'application/x-javascript',
    'module',
    'text/ecmascript',
    'text/javascript',
    'text/javascript1.0',
    'text/javascript1.1',
    'text/javascript1.2',
    'text/javascript1.3',
    'text/javascript1.4',
    'text/javascript1.5',
    'text/jscript',
    'text/livescript',
    'text/x-ecmascript',
    'text/x-javascript',
    '',
  ].includes(t);
}

/** Go's contextAfterText: the context after (a prefix of) `s`, and how much of it was consumed. */
function contextAfterText(c: Context, s: string): [Context, number] {
  if (c.delim === 'none') {
    // Inside <script>, <style>, <title>, <textarea>: content runs up to the element's end tag.
    let end = s.length;
    const tag = SPECIAL_END_TAG[c.element];
    if (tag !== undefined && !(c.element === 'script' && (isInScriptLiteral(c.state) || isComment(c.state)))) {
      const i = indexTagEnd(s, tag);
      if (i === 0) return [TEXT, 0];
      if (i > 0) end = i;
    }
    return TRANSITIONS[c.state](c, s.slice(0, end));
  }
  // Inside an attribute value.
  let i = -1;
  for (let j = 0; j < s.length; j++) {
    if (DELIM_ENDS[c.delim].includes(s[j]!)) {
      i = j;
      break;
    }
  }
  if (i < 0) i = s.length;
  if (c.delim === 'spaceOrTagEnd') {
    const bad = /["'<=`]/.exec(s.slice(0, i));
    if (bad) {
      return [ctx({ state: 'error', err: `${JSON.stringify(bad[0])} in unquoted attr: ${JSON.stringify(s.slice(0, i))}` }), s.length];
    }
  }
  if (i === s.length) {
    // Still inside the value: run the value's own language over its decoded text.
    let u = unescapeEntities(s);
    let cur = c;
    while (u.length > 0) {
      const [c1, n] = TRANSITIONS[cur.state](cur, u);
      cur = c1;
      u = u.slice(n);
    }
    return [cur, s.length];
  }
  let element = c.element;
  if (c.state === 'attr' && c.element === 'script' && c.attr === 'scriptType' && !isJSType(s.slice(0, i))) element = 'none';
  if (c.delim !== 'spaceOrTagEnd') i++;
  return [ctx({ state: 'tag', element }), i];
}

// --- escapers (Go's html.go, url.go, js.go, css.go) ---------------------------------------------

type Content = 'plain' | 'html' | 'url';

/** Go's stringify: the text of a value and its content type; nil prints nothing. */
function stringify(v: GoValue): { s: string; t: Content } {
  if (v instanceof GoNamed && v.type === T_HTML) return { s: String(v.value), t: 'html' };
  if (v instanceof GoNamed && v.type === T_URL) return { s: String(v.value), t: 'url' };
  if (v === undefined || v === null) return { s: '', t: 'plain' };
  return { s: typeof v === 'string' ? v : sprint([v]), t: 'plain' };
}

const HTML_REPLACEMENTS: Readonly<Record<string, string>> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};
const HTML_NOSPACE_REPLACEMENTS: Readonly<Record<string, string>> = {
  '\0': '&#xfffd;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\v': '&#11;',
  '\f': '&#12;',
  '\r': '&#13;',
  ' ': '&#32;',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '=': '&#61;',
  '>': '&gt;',
  '`': '&#96;',
};

function htmlReplace(s: string, table: Readonly<Record<string, string>>, keepAmp: boolean, badRunes: boolean): string {
  let out = '';
  for (const ch of s) {
    if (keepAmp && ch === '&') {
      out += ch;
      continue;
    }
    const r = table[ch];
    if (r !== undefined) {
      out += r;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (!badRunes && ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp >= 0xfff0 && cp <= 0xffff))) {
      out += `&#x${cp.toString(16)};`;
      continue;
    }
    out += ch;
  }
  return out;
}

/** Go's stripTags: the text content of an HTML fragment. */
function stripTags(html: string): string {
  let out = '';
  let c = TEXT;
  let i = 0;
  let allText = true;
  while (i !== html.length) {
    if (c.delim === 'none') {
      let st = c.state;
      if (c.element !== 'none' && !isInTag(st)) st = 'rcdata';
      const [d, n] = TRANSITIONS[st](c, html.slice(i));
      const i1 = i + n;
      if (c.state === 'text' || c.state === 'rcdata') {
        let j = i1;
        if (d.state !== c.state) {
          for (let j1 = j - 1; j1 >= i; j1--) {
            if (html[j1] === '<') {
              j = j1;
              break;
            }
          }
        }
        out += html.slice(i, j);
      } else {
        allText = false;
      }
      if (n === 0) break;
      c = d;
      i = i1;
      continue;
    }
    let i1 = -1;
    for (let j = i; j < html.length; j++) {
      if (DELIM_ENDS[c.delim].includes(html[j]!)) {
        i1 = j;
        break;
      }
    }
    if (i1 < 0) break;
    if (c.delim !== 'spaceOrTagEnd') i1++;
    c = ctx({ state: 'tag', element: c.element });
    i = i1;
  }
  if (allText) return html;
  if (c.state === 'text' || c.state === 'rcdata') out += html.slice(i);
  return out;
}

const FAILSAFE = 'ZgotmplZ';

/** Go's isSafeURL: no scheme, or http, https, mailto. */
function isSafeURL(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon >= 0 && !s.slice(0, colon).includes('/')) {
    const scheme = s.slice(0, colon).toLowerCase();
    return scheme === 'http' || scheme === 'https' || scheme === 'mailto';
  }
  return true;
}

const utf8 = new TextEncoder();

/** Go's processURLOnto: percent-encodes what may not appear in a URL; `norm` keeps reserved characters and escapes. */
function processURL(s: string, norm: boolean): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    if ('!#$&*+,/:;=?@[]'.includes(c) || c === '%') {
      if (norm) {
        out += c;
        continue;
      }
    } else if ('-._~'.includes(c) || /[A-Za-z0-9]/.test(c)) {
      out += c;
      continue;
    }
    out += '%' + b.toString(16).padStart(2, '0');
  }
  return out;
}

const JS_STR_REPLACEMENTS: Readonly<Record<string, string>> = {
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\u000b',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\u0022',
  '`': '\\u0060',
  '&': '\\u0026',
  "'": '\\u0027',
  '+': '\\u002b',
  '/': '\\/',
  '<': '\\u003c',
  '>': '\\u003e',
  '\\': '\\\\',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};
const JS_REGEXP_EXTRA: Readonly<Record<string, string>> = {
  '$': '\\$',
  '(': '\\(',
  ')': '\\)',
  '*': '\\*',
  '-': '\\-',
  '.': '\\.',
  '?': '\\?',
  '[': '\\[',
  ']': '\\]',
  '^': '\\^',
  '{': '\\{',
  '|': '\\|',
  '}': '\\}',
};

function jsReplace(s: string, extra: Readonly<Record<string, string>> = {}): string {
  let out = '';
  for (const ch of s) {
    const r = JS_STR_REPLACEMENTS[ch] ?? extra[ch];
    if (r !== undefined) out += r;
    else if (ch < ' ') out += '\\u00' + ch.charCodeAt(0).toString(16).padStart(2, '0');
    else out += ch;
  }
  return out;
}

function jsValEscaper(v: GoValue): string {
  let b: string;
  try {
    b = goToJson(v === undefined ? null : v);
  } catch (e) {
    return ` /* ${(e as Error).message.replace(/\*\//g, '* /')} */null `;
  }
  b = b.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const identPart = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_]/u;
  const pad = identPart.test(b[0] ?? '') || identPart.test(b[b.length - 1] ?? '');
  return pad ? ` ${b} ` : b;
}

const CSS_REPLACEMENTS: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\t': '\\9',
  '\n': '\\a',
  '\f': '\\c',
  '\r': '\\d',
  '"': '\\22',
  '&': '\\26',
  "'": '\\27',
  '(': '\\28',
  ')': '\\29',
  '+': '\\2b',
  '/': '\\2f',
  ':': '\\3a',
  ';': '\\3b',
  '<': '\\3c',
  '>': '\\3e',
  '\\': '\\\\',
  '{': '\\7b',
  '}': '\\7d',
};

function cssEscaper(s: string): string {
  let out = '';
  const chars = [...s];
  chars.forEach((ch, i) => {
    const r = CSS_REPLACEMENTS[ch];
    if (r === undefined) {
      out += ch;
      return;
    }
    out += r;
    const next = chars[i + 1];
    if (r !== '\\\\' && (next === undefined || /[0-9a-fA-F \t\n\f\r]/.test(next))) out += ' ';
  });
  return out;
}

function cssValueFilter(s: string): string {
  let id = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if ('\0"\'()/;@[\\]`{}<>'.includes(c)) return FAILSAFE;
    if (c === '-' && i !== 0 && s[i - 1] === '-') return FAILSAFE;
    if (/[-\w]/.test(c)) id += c;
  }
  id = id.toLowerCase();
  return id.includes('expression') || id.includes('mozbinding') ? FAILSAFE : s;
}

type EscaperName =
  | 'html'
  | 'urlquery'
  | 'htmlescaper'
  | 'attrescaper'
  | 'rcdataescaper'
  | 'nospaceescaper'
  | 'htmlnamefilter'
  | 'commentescaper'
  | 'urlfilter'
  | 'urlnormalizer'
  | 'urlescaper'
  | 'jsvalescaper'
  | 'jsstrescaper'
  | 'jsregexpescaper'
  | 'cssescaper'
  | 'cssvaluefilter';

function runEscaper(name: EscaperName, v: GoValue): string {
  const { s, t } = stringify(v);
  switch (name) {
    case 'html':
      return htmlEscapeString(typeof v === 'string' ? v : stringify(v).s);
    case 'urlquery':
      return queryEscape(s);
    case 'htmlescaper':
      return t === 'html' ? s : htmlReplace(s, HTML_REPLACEMENTS, false, true);
    case 'attrescaper':
      return t === 'html' ? htmlReplace(stripTags(s), HTML_REPLACEMENTS, true, true) : htmlReplace(s, HTML_REPLACEMENTS, false, true);
    case 'rcdataescaper':
      return htmlReplace(s, HTML_REPLACEMENTS, t === 'html', true);
    case 'nospaceescaper':
      return t === 'html'
        ? htmlReplace(stripTags(s), HTML_NOSPACE_REPLACEMENTS, true, false)
        : htmlReplace(s, HTML_NOSPACE_REPLACEMENTS, false, false);
    case 'htmlnamefilter': {
      if (s === '') return FAILSAFE;
      const lower = s.toLowerCase();
      if (attrType(lower) !== 'plain' || !/^[0-9a-z]+$/.test(lower)) return FAILSAFE;
      return lower;
    }
    case 'commentescaper':
      return '';
    case 'urlfilter':
      return t === 'url' || isSafeURL(s) ? s : '#' + FAILSAFE;
    case 'urlnormalizer':
      return processURL(s, true);
    case 'urlescaper':
      return processURL(s, t === 'url');
    case 'jsvalescaper':
      return jsValEscaper(v);
    case 'jsstrescaper':
      return jsReplace(s);
    case 'jsregexpescaper':
      return s === '' ? '(?:)' : jsReplace(s, JS_REGEXP_EXTRA);
    case 'cssescaper':
      return cssEscaper(s);
    case 'cssvaluefilter':
      return cssValueFilter(s);
  }
}

// Escapers that a trailing `html` / `urlquery` in the pipeline can stand in for (Go's equivEscapers).
const EQUIVALENT: Partial<Record<EscaperName, 'html' | 'urlquery'>> = {
  attrescaper: 'html',
  htmlescaper: 'html',
  rcdataescaper: 'html',
  urlescaper: 'urlquery',
  urlnormalizer: 'urlquery',
};

/** The escapers an action needs in context `c` (Go's escapeAction), and the context after it. */
function escapersFor(c: Context): { names: EscaperName[]; after: Context } {
  const names: EscaperName[] = [];
  let after = c;
  switch (c.state) {
    case 'url':
    case 'srcset':
    case 'cssDqStr':
    case 'cssSqStr':
    case 'cssDqURL':
    case 'cssSqURL':
    case 'cssURL':
      if (c.urlPart === 'queryOrFrag') {
        names.push('urlescaper');
      } else {
        if (c.urlPart === 'none') names.push('urlfilter');
        names.push(c.state === 'cssDqStr' || c.state === 'cssSqStr' ? 'cssescaper' : 'urlnormalizer');
      }
      break;
    case 'js':
      names.push('jsvalescaper');
      after = { ...c, jsCtx: 'divOp' };
      break;
    case 'jsDqStr':
    case 'jsSqStr':
    case 'jsBqStr':
      names.push('jsstrescaper');
      break;
    case 'jsRegexp':
      names.push('jsregexpescaper');
      break;
    case 'css':
      names.push('cssvaluefilter');
      break;
    case 'text':
      names.push('htmlescaper');
      break;
    case 'rcdata':
      names.push('rcdataescaper');
      break;
    case 'attr':
      break;
    case 'attrName':
    case 'tag':
      after = { ...c, state: 'attrName' };
      names.push('htmlnamefilter');
      break;
    default:
      if (isComment(c.state)) names.push('commentescaper');
  }
  if (c.delim === 'spaceOrTagEnd') names.push('nospaceescaper');
  else if (c.delim !== 'none') names.push('attrescaper');
  return { names, after };
}

// Go's nudge: an action right after `<a ` or `href=` starts an attribute name or value.
function nudge(c: Context): Context {
  switch (c.state) {
    case 'tag':
    case 'afterName':
      return { ...c, state: 'attrName' };
    case 'beforeValue':
      return { ...c, state: attrStartState(c.attr), delim: 'spaceOrTagEnd', urlPart: 'none', jsCtx: 'regexp' };
    default:
      return c;
  }
}

// Go's spelling of a context, as in its "ends in a non-text context" error.
function describe(c: Context): string {
  const goName = (prefix: string, v: string): string =>
    prefix +
    v
      .replace(/^[a-z]/, (ch) => ch.toUpperCase())
      .replace(/^Html/, 'HTML')
      .replace(/^Rcdata$/, 'RCDATA')
      .replace(/^Js/, 'JS')
      .replace(/^Css/, 'CSS')
      .replace(/Url$/, 'URL');
  const delim = { none: 'None', dq: 'DoubleQuote', sq: 'SingleQuote', spaceOrTagEnd: 'SpaceOrTagEnd' }[c.delim];
  return `{${goName('state', c.state)} delim${delim} ${goName('urlPart', c.urlPart)} ${goName('jsCtx', c.jsCtx)} ${goName('attr', c.attr)} ${goName('element', c.element)} <nil>}`;
}

const PREDEFINED = new Set(['html', 'urlquery']);

/** Tracks the HTML context through one execution and escapes each action for it. */
export class HtmlEscaper implements ActionEscaper {
  private c: Context = TEXT;

  /** Static text: returns it with HTML comments removed and stray `<` escaped; advances the context. */
  text(s: string): string {
    let c = this.c;
    let out = '';
    let written = 0;
    let i = 0;
    while (i !== s.length) {
      const [c1, n] = contextAfterText(c, s.slice(i));
      const i1 = i + n;
      if (c.state === 'text' || c.state === 'rcdata') {
        let end = i1;
        if (c1.state !== c.state) {
          for (let j = end - 1; j >= i; j--) {
            if (s[j] === '<') {
              end = j;
              break;
            }
          }
        }
        for (let j = i; j < end; j++) {
          if (s[j] === '<' && !/^<!doctype/i.test(s.slice(j, j + 9))) {
            out += s.slice(written, j) + '&lt;';
            written = j + 1;
          }
        }
      } else if (isComment(c.state) && c.delim === 'none') {
        if (c.state === 'jsBlockCmt') out += /[\n\r\u2028\u2029]/.test(s.slice(written, i1)) ? '\n' : ' ';
        else if (c.state === 'cssBlockCmt') out += ' ';
        written = i1;
      }
      if (c.state !== c1.state && isComment(c1.state) && c1.delim === 'none') {
        const cs = i1 - (c1.state === 'htmlCmt' ? 4 : 2);
        out += s.slice(written, cs);
        written = i1;
      }
      if (c1.state === 'error') throw new EscapeError(c1.err ?? 'cannot escape');
      if (i === i1 && c.state === c1.state) throw new EscapeError(`no progress escaping ${JSON.stringify(s.slice(i, i + 32))}`);
      c = c1;
      i = i1;
    }
    this.c = c;
    if (!isComment(c.state) || c.delim !== 'none') out += s.slice(written);
    return out;
  }

  plan(pipe: PipeNode): { cut: 'none' | 'last' | 'lastArgs'; apply: (value: GoValue) => string } {
    const c = nudge(this.c);
    const cmds = pipe.cmds;
    cmds.forEach((cmd, pos) => {
      const first = cmd.args[0];
      if (first?.kind !== 'identifier' || !PREDEFINED.has(first.ident)) return;
      if (pos < cmds.length - 1 || (c.state === 'attr' && c.delim === 'spaceOrTagEnd' && first.ident === 'html')) {
        throw new EscapeError(`predefined escaper ${JSON.stringify(first.ident)} disallowed in template`);
      }
    });
    const { names, after } = escapersFor(c);
    this.c = after;
    let cut: 'none' | 'last' | 'lastArgs' = 'none';
    const last = cmds[cmds.length - 1];
    const lastIdent = last?.args[0]?.kind === 'identifier' ? last.args[0].ident : undefined;
    const escapers: EscaperName[] = [...names];
    if (lastIdent !== undefined && PREDEFINED.has(lastIdent) && names.length > 0) {
      const esc = lastIdent as 'html' | 'urlquery';
      let dup = false;
      escapers.forEach((e, i) => {
        if ((EQUIVALENT[e] ?? e) === esc) {
          escapers[i] = esc;
          dup = true;
        }
      });
      if (dup) cut = cmds.length === 1 && last!.args.length > 1 ? 'lastArgs' : 'last';
    }
    return {
      cut,
      apply: (value) => {
        let v: GoValue = value;
        for (const e of escapers) v = runEscaper(e, v);
        return escapers.length === 0 ? stringify(v).s : (v as string);
      },
    };
  }

  /** At the end of the top-level template: Go refuses output that stops inside a tag, attribute or comment. */
  finish(): void {
    if (this.c.state !== 'text') {
      throw new EscapeError(`ends in a non-text context: ${describe(this.c)}`);
    }
  }
}
