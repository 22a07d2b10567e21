import { describe, expect, it } from 'vitest';
import { ServiceAddresses } from './service-addresses.js';

describe('ServiceAddresses', () => {
  it('keeps 10.96.0.1 for the kubernetes Service: never handed out, granted when asked for', () => {
    const addresses = new ServiceAddresses();
    const automatic = Array.from({ length: 50 }, () => addresses.allocateIp(undefined));
    expect(automatic).not.toContain('10.96.0.1');
    expect(automatic[0]).toBe('10.96.0.10');
    expect(addresses.allocateIp('10.96.0.1')).toBe('10.96.0.1');
    expect(addresses.allocateIp('10.96.0.1')).toMatchObject({ detail: expect.stringContaining('already allocated') });
  });
});
