import { goQuote } from '../util/goquote.js';

/** A label set: label name → value. Treated as immutable once built. */
export type Labels = Readonly<Record<string, string>>;

/** Label names in the order Go sorts strings (by bytes; for label names that is code units). */
export function sortedLabelNames(labels: Labels): string[] {
  return Object.keys(labels).sort(compareStrings);
}

/** Byte-order string comparison, as Go's `sort.Strings`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// FNV-1a 64-bit, computed on two 32-bit halves so the hot path needs no BigInt.
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const TWO_32 = 4294967296;
const SEPARATOR = 0xff;
const utf8 = new TextEncoder();

class Fnv64 {
  hi = OFFSET_HI;
  lo = OFFSET_LO;
  addByte(b: number): void {
    const lo = (this.lo ^ b) >>> 0;
    // h * 0x100000001b3 = h * 0x1b3 + (h << 40)
    const tLo = lo * 0x1b3;
    const carry = Math.floor(tLo / TWO_32);
    this.lo = tLo >>> 0;
    this.hi = (this.hi * 0x1b3 + carry + ((lo << 8) >>> 0)) % TWO_32;
  }
  addString(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        for (const b of utf8.encode(s.slice(i))) this.addByte(b);
        return;
      }
      this.addByte(c);
    }
  }
  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

/**
 * The label set's fingerprint as Prometheus computes it (`model.LabelSet.Fingerprint`):
 * FNV-1a 64 over sorted name, 0xff, value, 0xff; printed as 16 hex digits. Alertmanager's
 * alert fingerprints and amtool's output use this, so ours must match bit for bit.
 */
export function fingerprint(labels: Labels): string {
  const h = new Fnv64();
  for (const name of sortedLabelNames(labels)) {
    h.addString(name);
    h.addByte(SEPARATOR);
    h.addString(labels[name]!);
    h.addByte(SEPARATOR);
  }
  return h.hex();
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
