/**
 * The configuration text as /api/v2/status (and so `amtool config show`) may show it: secrets
 * replaced by `<secret>`, as Alertmanager prints its Secret and SecretURL fields. Everything
 * else, comments included, stays as the user wrote it.
 */
import { isMap, isPair, isScalar, parseDocument, visit } from 'yaml';

// Keys whose values Alertmanager 0.25 holds as Secret / SecretURL, in the sections we load:
// global, email_configs, slack_configs, http_config (basic_auth, authorization, oauth2), plus
// the keys of integrations we refuse but whose globals a config may still carry.
const SECRET_KEYS = new Set([
  'smtp_auth_password',
  'smtp_auth_secret',
  'slack_api_url',
  'opsgenie_api_key',
  'wechat_api_secret',
  'victorops_api_key',
  'auth_password',
  'auth_secret',
  'password',
  'credentials',
  'bearer_token',
  'client_secret',
]);

// Keys secret only inside slack_configs entries (a webhook's url is shown by Alertmanager 0.25).
const SLACK_SECRET_KEYS = new Set(['api_url']);

const SECRET_KEY_NAMES = [...SECRET_KEYS, ...SLACK_SECRET_KEYS];

/** Returns `text` with secret values replaced by `<secret>`; text that does not parse is returned as is. */
export function redactSecrets(text: string): string {
  // Where no secret key is named at all there is nothing to replace: spare the second parse
  // of the file (tens of milliseconds of startup and reload for a large routing tree). A key
  // could hide behind escapes in a double-quoted scalar, so any backslash means parsing.
  if (!text.includes('\\') && !SECRET_KEY_NAMES.some((key) => text.includes(key))) return text;
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return text;
  let changed = false;
  visit(doc, {
    Pair(_key, pair, path) {
      if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) return;
      const key = String(pair.key.value);
      const inSlack = path.some((node) => isPair(node) && isScalar(node.key) && node.key.value === 'slack_configs');
      if (!SECRET_KEYS.has(key) && !(inSlack && SLACK_SECRET_KEYS.has(key))) return;
      if (pair.value.value === null || pair.value.value === '') return;
      pair.value.value = '<secret>';
      changed = true;
    },
  });
  return changed && isMap(doc.contents) ? doc.toString() : text;
}
