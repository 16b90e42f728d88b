import { goQuote } from '../util/goquote.js';

/** A label set: label name → value. Treated as immutable once built. */
export type Labels = Readonly<Record<string, string>>;

/** Label names in the order Go sorts strings (by bytes; for label names that is code units). */
export function sortedLabelNames(labels: Labels): string[] {
  const names = Object.keys(labels);
  // Insertion sort: label sets are small, and this beats Array#sort's comparator calls there.
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!;
    let j = i - 1;
    while (j >= 0 && names[j]! > name) {
      names[j + 1] = names[j]!;
      j--;
    }
    names[j + 1] = name;
  }
  return names;
}

/** Byte-order string comparison, as Go's `sort.Strings`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SEPARATOR = 0xff;
const utf8 = new TextEncoder();

function hexDigit(nibble: number): number {
  return nibble < 10 ? 48 + nibble : 87 + nibble;
}

/**
 * The label set's fingerprint as Prometheus computes it (`model.LabelSet.Fingerprint`):
 * FNV-1a 64 over sorted name, 0xff, value, 0xff; printed as 16 hex digits. Alertmanager's
 * alert fingerprints and amtool's output use this, so ours must match bit for bit.
 */
export function fingerprint(labels: Labels): string {
  // Computed per incoming alert, so written for speed: the 64-bit state lives in four 16-bit
  // limbs (h3 high … h0 low) held in locals, where every product stays a small integer. The
  // FNV prime is 2^40 + 0x1b3: multiply each limb by 0x1b3, add the state shifted by 40 bits
  // (limbs 0 and 1, shifted by 8, land on limbs 2 and 3), then carry upwards.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const names = sortedLabelNames(labels);
  for (let k = 0; k < names.length * 2; k++) {
    const text = (k & 1) === 0 ? names[k >> 1]! : labels[names[k >> 1]!]!;
    // ASCII goes byte for byte from the code units; from the first other character on, the
    // rest of the string is fed as its UTF-8 bytes. Each string is followed by the separator.
    let rest: Uint8Array | undefined;
    for (let i = 0; i <= text.length; i++) {
      let b = SEPARATOR;
      if (i < text.length) {
        b = text.charCodeAt(i);
        if (b >= 0x80) {
          rest = utf8.encode(text.slice(i));
          break;
        }
      }
      h0 ^= b;
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
      h3 = (h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16)) & 0xffff;
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
    }
    if (rest === undefined) continue;
    for (let i = 0; i <= rest.length; i++) {
      h0 ^= i < rest.length ? rest[i]! : SEPARATOR;
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
      h3 = (h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16)) & 0xffff;
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
    }
  }
  // One flat 16-character string (joining two halves would keep a cons string per alert).
  return String.fromCharCode(
    hexDigit(h3 >>> 12), hexDigit((h3 >>> 8) & 15), hexDigit((h3 >>> 4) & 15), hexDigit(h3 & 15),
    hexDigit(h2 >>> 12), hexDigit((h2 >>> 8) & 15), hexDigit((h2 >>> 4) & 15), hexDigit(h2 & 15),
    hexDigit(h1 >>> 12), hexDigit((h1 >>> 8) & 15), hexDigit((h1 >>> 4) & 15), hexDigit(h1 & 15),
    hexDigit(h0 >>> 12), hexDigit((h0 >>> 8) & 15), hexDigit((h0 >>> 4) & 15), hexDigit(h0 & 15),
  );
}

/**
 * Prometheus' LabelSet.String(): `name="value"` pairs (value quoted as Go's %q), sorted as
 * whole strings (so `a1=…` sorts before `a=…`, unlike a sort by name), joined by `, `.
 * Group keys and log lines use it, so it must match Alertmanager's output exactly.
 */
export function formatLabels(labels: Labels): string {
  const pairs: string[] = [];
  for (const name of Object.keys(labels)) pairs.push(`${name}=${goQuote(labels[name]!)}`);
  return '{' + pairs.sort(compareStrings).join(', ') + '}';
}
