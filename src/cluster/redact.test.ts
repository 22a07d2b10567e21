import { describe, expect, it } from 'vitest';
import { quoteUntrusted, redact } from './redact.js';

describe('redact', () => {
  it.each([
    ['password=hunter2 user=bob', 'password=[REDACTED] user=bob'],
    ['DB_PASSWORD: "s3cr3t!"', 'DB_PASSWORD: "[REDACTED]"'],
    ['Authorization: Bearer abcdefghijklmnop.qrs', 'Authorization: Bearer [REDACTED]'],
    ['dial postgres://app:pa55word@db:5432/shop', 'dial postgres://app:[REDACTED]@db:5432/shop'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key [REDACTED AWS KEY] used'],
    ['api_key=sk-abcdefghijklmnopqrstuvwx', 'api_key=[REDACTED TOKEN]'],
  ])('hides the secret in %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('hides a JWT anywhere in a line', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(redact(`token ${jwt} rejected`)).not.toContain('dozjg');
  });

  it('keeps ordinary diagnostic text intact', () => {
    const line = 'Error: connect ECONNREFUSED 10.96.0.12:5432 (image sha256:abc123)';
    expect(redact(line)).toBe(line);
  });
});

describe('quoteUntrusted', () => {
  it('bounds length and folds control characters', () => {
    const q = quoteUntrusted(`a\u001b[31mred${'x'.repeat(1000)}`, 50);
    expect(q.length).toBe(50);
    expect(q).not.toContain('\u001b');
    expect(q.endsWith('…')).toBe(true);
  });
});
