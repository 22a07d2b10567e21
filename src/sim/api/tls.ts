/**
 * The simulator's serving certificate, for `--tls`: self-signed, for 127.0.0.1, ::1 and localhost (and
 * the host it serves on), made at start. Its certificate is also the CA a kubeconfig trusts, so kubectl
 * and client-node verify the server as they would a real one, and send bearer tokens, which client-go
 * sends only over TLS.
 */
import { generate } from 'selfsigned';

export interface ServingCertificate {
  key: string;
  /** PEM; also the CA bundle clients trust. */
  cert: string;
}

export async function servingCertificate(host = '127.0.0.1'): Promise<ServingCertificate> {
  const ips = [...new Set(['127.0.0.1', '::1', ...(/^[\d.:]+$/.test(host) ? [host] : [])])];
  const names = [...new Set(['localhost', ...(/^[\d.:]+$/.test(host) ? [] : [host])])];
  const pems = await generate([{ name: 'commonName', value: 'kubetriage-sim' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...names.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
