/**
 * HTTP basic authentication against bcrypt hashes, as the exporter toolkit does it: an
 * unknown user is checked against a dummy hash (so timing does not reveal which users exist),
 * bcrypt runs one comparison at a time (it is CPU-heavy: ~0.2 s at cost 10 in JavaScript),
 * and results are cached per (user, hash, password) so a client sending the same
 * credentials on every request pays once. The cache holds digests, not passwords.
 */
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

// A hash of a random password nobody knows (made once with bcryptjs, cost 10).
const DUMMY_HASH = '$2b$10$Hzxi3kPnlpHEgGXV4koDBuDfq7cVoH.1yBd2qIwD2eVS4FLaD6the';

/** The user and password of an `Authorization: Basic …` header; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const m = /^basic +(\S+)$/i.exec(header.trim());
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class BasicAuthenticator {
  private readonly cache = new Map<string, boolean>();
  private readonly cacheSize: number;
  /** bcrypt comparisons run one after another on this chain. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: { readonly cacheSize?: number } = {}) {
    this.cacheSize = options.cacheSize ?? 100;
  }

  /** Whether the Authorization header carries a configured user with the right password. */
  async check(users: ReadonlyMap<string, string>, authorization: string | undefined): Promise<boolean> {
    const credentials = parseBasicAuth(authorization);
    if (!credentials) return false;
    const hash = users.get(credentials.user);
    const key = createHash('sha256').update(`${credentials.user}\0${hash ?? ''}\0${credentials.password}`).digest('base64');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const compare = this.queue.then(() => bcrypt.compare(credentials.password, hash ?? DUMMY_HASH));
    this.queue = compare.catch(() => undefined);
    const ok = (await compare) && hash !== undefined;
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, ok);
    return ok;
  }
}
