import { describe, expect, it } from 'vitest';
import { agentOfToken, isLoopback, parseListen, parseTokens } from './listen.js';

describe('parseListen', () => {
  it('reads IPv4, IPv6 and names', () => {
    expect(parseListen('127.0.0.1:8765')).toEqual({ host: '127.0.0.1', port: 8765 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('localhost:9000')).toEqual({ host: 'localhost', port: 9000 });
  });

  it('refuses what is not HOST:PORT', () => {
    expect(() => parseListen('8765')).toThrow(/is not HOST:PORT/);
    expect(() => parseListen('host:99999')).toThrow(/is not HOST:PORT/);
  });
});

describe('isLoopback', () => {
  it('knows loopback from the rest', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.5', 'example.com'].map(isLoopback)).toEqual([false, false, false, false]);
  });
});

describe('tokens', () => {
  const file = '# agents\nclaude-code 0123456789abcdef0123\n\nci-bot fedcba9876543210fedc\n';

  it('names the agent of a token, and no one for a wrong one', () => {
    const tokens = parseTokens(file, 't');
    expect(agentOfToken(tokens, '0123456789abcdef0123')).toBe('claude-code');
    expect(agentOfToken(tokens, 'fedcba9876543210fedc')).toBe('ci-bot');
    expect(agentOfToken(tokens, '0123456789abcdef012')).toBeUndefined();
  });

  it('refuses short, repeated and malformed tokens with the line', () => {
    expect(() => parseTokens('bot short', 't')).toThrow(/^t:1: the token of bot is 5 characters long/);
    expect(() => parseTokens('a 0123456789abcdef0123\nb 0123456789abcdef0123', 't')).toThrow(/^t:2: this token is given twice/);
    expect(() => parseTokens('a b c', 't')).toThrow(/^t:1: expected NAME TOKEN/);
    expect(() => parseTokens('# nothing\n', 't')).toThrow(/no token in the file/);
  });
});
