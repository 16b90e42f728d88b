/**
 * The TLS files of the webhook and Slack integrations, checked as Alertmanager 0.25 checks them
 * when it builds its integrations at start and on reload: for every receiver a route can reach,
 * the effective http_config's `tls_config` (its own, or global.http_config's) must name a CA file
 * that can be read and holds a certificate, and a client certificate and key given together,
 * both readable and matching. Alertmanager refuses to start (or to reload) otherwise;
 * `amtool check-config` reads none of these files, so neither does our check-config.
 *
 * The files are still read at every send (notify/http.ts), so a renewed certificate is picked up
 * without a reload; this check only refuses a configuration that could not send at all.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { checkX509KeyPair } from '../util/x509.js';
import { ConfigError } from './errors.js';
import type { Config, HttpClientConfig, RouteConfig, TlsConfig } from './types.js';
import { nodeAtPath, parseYamlTree } from './yamltree.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Names of the receivers some route sends to (Alertmanager builds integrations for these only). */
function routedReceivers(route: RouteConfig, into = new Set<string>()): Set<string> {
  if (route.receiver !== undefined) into.add(route.receiver);
  for (const child of route.routes) routedReceivers(child, into);
  return into;
}

interface Problem {
  /** Key below `tls_config`, e.g. `ca_file`. */
  readonly key: string;
  readonly problem: string;
  readonly seen: string;
  readonly wanted: string;
  readonly cause?: unknown;
}

function read(path: string): { text?: string; error?: Error } {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (err) {
    return { error: err as Error };
  }
}

/** The first thing wrong with a tls_config's files, in the order Go's common/config tries them. */
function tlsProblem(tls: TlsConfig): Problem | undefined {
  if (tls.caFile) {
    const ca = read(tls.caFile);
    if (ca.error) {
      return { key: 'ca_file', problem: `unable to load specified CA cert ${tls.caFile}: ${ca.error.message}`, seen: JSON.stringify(tls.caFile), wanted: 'a readable PEM file', cause: ca.error };
    }
    const usable = (ca.text!.match(PEM_CERTIFICATE) ?? []).some((pem) => {
      try {
        new X509Certificate(pem);
        return true;
      } catch {
        return false;
      }
    });
    if (!usable) {
      return { key: 'ca_file', problem: `unable to use specified CA cert ${tls.caFile}`, seen: JSON.stringify(tls.caFile), wanted: 'a file holding at least one PEM certificate' };
    }
  }
  if (tls.certFile && !tls.keyFile) {
    return { key: 'cert_file', problem: `client cert file ${JSON.stringify(tls.certFile)} specified without client key file`, seen: JSON.stringify(tls.certFile), wanted: 'key_file set too' };
  }
  if (tls.keyFile && !tls.certFile) {
    return { key: 'key_file', problem: `client key file ${JSON.stringify(tls.keyFile)} specified without client cert file`, seen: JSON.stringify(tls.keyFile), wanted: 'cert_file set too' };
  }
  if (tls.certFile && tls.keyFile) {
    const cert = read(tls.certFile);
    const key = read(tls.keyFile);
    const error = cert.error ?? key.error;
    const pair = `client cert (${tls.certFile}) & key (${tls.keyFile})`;
    const seen = `${JSON.stringify(tls.certFile)} and ${JSON.stringify(tls.keyFile)}`;
    if (error) {
      return { key: cert.error ? 'cert_file' : 'key_file', problem: `unable to read specified ${pair}: ${error.message}`, seen, wanted: 'readable PEM files', cause: error };
    }
    try {
      checkX509KeyPair(cert.text!, key.text!);
    } catch (err) {
      return { key: 'cert_file', problem: `unable to use specified ${pair}: ${(err as Error).message}`, seen, wanted: 'a PEM certificate and its private key', cause: err };
    }
  }
  return undefined;
}

/** 1-based line and column of `keyPath` in the configuration file, when it can be read again. */
function positionOf(file: string, keyPath: string): { line?: number; column?: number } {
  try {
    const root = parseYamlTree(readFileSync(file, 'utf8'), file);
    if (!root) return {};
    return nodeAtPath(root, keyPath).pos;
  } catch {
    return {};
  }
}

/**
 * Throws ConfigError (file, line, key path) for the first unusable TLS file of an integration a
 * route can reach; reads the files named, nothing else. Called by the daemon at start and reload.
 */
export function checkIntegrationTlsFiles(config: Config): void {
  const routed = routedReceivers(config.route);
  config.receivers.forEach((receiver, i) => {
    if (!routed.has(receiver.name)) return;
    const integrations: Array<[string, readonly { httpConfig: HttpClientConfig }[]]> = [
      ['webhook_configs', receiver.webhookConfigs],
      ['slack_configs', receiver.slackConfigs],
    ];
    for (const [kind, configs] of integrations) {
      configs.forEach((c, j) => {
        const tls = c.httpConfig.tlsConfig;
        const p = tls && tlsProblem(tls);
        if (!p) return;
        // An integration without http_config of its own uses global.http_config: point there.
        const base = c.httpConfig === config.global.httpConfig ? 'global.http_config' : `receivers[${i}].${kind}[${j}].http_config`;
        const keyPath = `${base}.tls_config.${p.key}`;
        throw new ConfigError({
          file: config.sourceFile,
          ...positionOf(config.sourceFile, keyPath),
          keyPath,
          problem: `receiver "${receiver.name}": ${p.problem}`,
          seen: p.seen,
          wanted: p.wanted,
          cause: p.cause,
        });
      });
    }
  });
}
