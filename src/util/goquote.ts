// Go's strconv.Quote (what fmt's %q prints for a string), so text we show operators reads exactly
// as Alertmanager and amtool print it.

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * Quote `s` as Go's strconv.Quote does: `"` and `\` escaped, printable runes kept (Go's
 * unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space), the
 * short escapes \a\b\f\n\r\t\v, `\xHH` below U+0020 and for U+007F, `\uHHHH` / `\UHHHHHHHH`
 * for other non-printable runes. A lone UTF-16 surrogate stands for bytes Go would see as
 * invalid UTF-8, so it is printed byte by byte as `\xHH`.
 * With `asciiOnly`, strconv.QuoteToASCII: every rune past U+007E is escaped as well (fmt's `%+q`).
 */
export function goQuote(s: string, asciiOnly = false): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0x22 || r === 0x5c) {
      out += '\\' + ch;
    } else if (r >= 0xd800 && r <= 0xdfff) {
      for (const b of wtf8(r)) out += '\\x' + hex(b, 2);
    } else if (r === 0x20 || ((!asciiOnly || r < 0x7f) && PRINTABLE.test(ch))) {
      out += ch;
    } else if (SHORT_ESCAPES[r] !== undefined) {
      out += SHORT_ESCAPES[r];
    } else if (r < 0x20 || r === 0x7f) {
      out += '\\x' + hex(r, 2);
    } else if (r < 0x10000) {
      out += '\\u' + hex(r, 4);
    } else {
      out += '\\U' + hex(r, 8);
    }
  }
  return out + '"';
}

// The three bytes a surrogate code point takes in WTF-8; TextEncoder would replace it with U+FFFD.
function wtf8(r: number): number[] {
  return [0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f)];
}

