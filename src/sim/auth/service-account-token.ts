/**
 * Service-account tokens as the TokenRequest API hands them out: JWTs carrying the claims a real
 * bound token carries (`iss`, `sub`, `aud`, `exp`, `iat`, `nbf`, `jti` and the `kubernetes.io`
 * namespace/serviceaccount claim). The simulator signs them with HMAC-SHA256 under a key that
 * lives only in the process, so a token is valid only for the simulator that issued it.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** The issuer and default audience of kubeadm clusters. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** The claims of a service-account token. */
export interface TokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  iss: string;
  jti: string;
  sub: string;
  'kubernetes.io': { namespace: string; serviceaccount: { name: string; uid: string } };
}

/** What a token is issued for. */
export interface TokenGrant {
  namespace: string;
  name: string;
  uid: string;
  audiences: readonly string[];
  expirationSeconds: number;
  now: Date;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Issues and verifies the tokens of one simulator. */
export class TokenIssuer {
  private readonly keyId: string;

  constructor(private readonly key: Buffer = randomBytes(32), readonly issuer: string = DEFAULT_ISSUER) {
    this.keyId = createHmac('sha256', key).update('kid').digest('base64url').slice(0, 43);
  }

  /**
   * A signed token and when it expires.
   * @example issuer.issue({ namespace: 'shop', name: 'builder', uid, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600, now })
   */
  issue(grant: TokenGrant): { token: string; expirationTimestamp: Date; claims: TokenClaims } {
    const iat = Math.floor(grant.now.getTime() / 1000);
    const claims: TokenClaims = {
      aud: [...grant.audiences], exp: iat + grant.expirationSeconds, iat, iss: this.issuer, jti: randomUUID(),
      'kubernetes.io': { namespace: grant.namespace, serviceaccount: { name: grant.name, uid: grant.uid } },
      nbf: iat, sub: `system:serviceaccount:${grant.namespace}:${grant.name}`,
    };
    const head = `${base64url(JSON.stringify({ alg: 'HS256', kid: this.keyId }))}.${base64url(JSON.stringify(claims))}`;
    return { token: `${head}.${this.sign(head)}`, expirationTimestamp: new Date(claims.exp * 1000), claims };
  }

  /** The claims of a token this issuer signed that is valid at `now`; undefined for any other string. */
  verify(token: string, now: Date): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = parseClaims(payload);
    if (!claims || claims.iss !== this.issuer) return undefined;
    const seconds = now.getTime() / 1000;
    if (seconds >= claims.exp || seconds < claims.nbf) return undefined;
    return claims;
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

function parseClaims(payload: string): TokenClaims | undefined {
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    const sa = claims['kubernetes.io'];
    if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number' || !sa?.namespace || !sa.serviceaccount?.name) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}
