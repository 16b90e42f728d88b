/** Certificate checks shared by the web server's TLS and the notifiers' tls_config. */
import { X509Certificate, createPrivateKey } from 'node:crypto';

/**
 * Go's tls.X509KeyPair check: the PEM certificate parses and the PEM private key belongs to it.
 * Throws an Error saying what is wrong.
 */
export function checkX509KeyPair(cert: string | Buffer, key: string | Buffer): void {
  const certificate = new X509Certificate(cert);
  if (!certificate.checkPrivateKey(createPrivateKey(key))) throw new Error('private key does not match public key');
}
