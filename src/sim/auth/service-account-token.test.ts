import { describe, expect, it } from 'vitest';
import { DEFAULT_ISSUER, TokenIssuer } from './service-account-token.js';

const now = new Date('2026-03-01T12:00:00Z');
const grant = { namespace: 'shop', name: 'builder', uid: 'u-1', audiences: [DEFAULT_ISSUER], expirationSeconds: 600, now };

describe('TokenIssuer', () => {
  it('issues a JWT whose claims name the service account and expire when asked', () => {
    const issuer = new TokenIssuer();
    const { token, expirationTimestamp } = issuer.issue(grant);
    expect(expirationTimestamp.toISOString()).toBe('2026-03-01T12:10:00.000Z');
    const claims = issuer.verify(token, now)!;
    expect(claims.sub).toBe('system:serviceaccount:shop:builder');
    expect(claims['kubernetes.io']).toEqual({ namespace: 'shop', serviceaccount: { name: 'builder', uid: 'u-1' } });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
  });

  it('refuses expired tokens, other issuers\u2019 tokens and tampered claims', () => {
    const issuer = new TokenIssuer();
    const { token } = issuer.issue(grant);
    expect(issuer.verify(token, new Date(now.getTime() + 600_000))).toBeUndefined();
    expect(new TokenIssuer().verify(token, now)).toBeUndefined();
    const [head, payload, signature] = token.split('.') as [string, string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string };
    forged.sub = 'system:serviceaccount:kube-system:admin';
    expect(issuer.verify(`${head}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`, now)).toBeUndefined();
    expect(issuer.verify('a.b', now)).toBeUndefined();
  });
});
