/**
 * Where the HTTP transport listens, and who may talk to it: `HOST:PORT` parsed, loopback recognised,
 * and the token file read (`NAME TOKEN` per line). A listen address beyond loopback without tokens is
 * refused: anyone who reaches it could ask for changes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { InputError } from '../sources/input-error.js';

export interface ListenAddress { host: string; port: number }

/** @example parseListen('127.0.0.1:8765') // { host: '127.0.0.1', port: 8765 }; parseListen('[::1]:0') */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || port > 65_535) throw new InputError('--listen', `"${text}" is not HOST:PORT (e.g. 127.0.0.1:8765, [::1]:8765, 0.0.0.0:8765)`);
  return { host: m[1] ?? m[2]!, port };
}

/** Whether only this machine can reach the address. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** Tokens by the agent name they stand for. */
export type Tokens = ReadonlyMap<string, string>;

/** Reads `NAME TOKEN` lines (# comments and blank lines skipped); a line of one word is a token for the agent `agent`. */
export async function loadTokens(file: string): Promise<Tokens> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read the token file: ${(err as Error).message}`, { cause: err });
  }
  return parseTokens(text, file);
}

export function parseTokens(text: string, file: string): Tokens {
  const tokens = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    const [name, token] = words.length === 1 ? ['agent', words[0]!] : [words[0]!, words[1]!];
    if (words.length > 2 || !/^[a-z0-9][-a-z0-9_.]*$/i.test(name)) throw new InputError(`${file}:${i + 1}`, 'expected NAME TOKEN (an agent name of letters, digits, -, _ and ., then its token)');
    if (token.length < 16) throw new InputError(`${file}:${i + 1}`, `the token of ${name} is ${token.length} characters long; use at least 16 (e.g. openssl rand -hex 32)`);
    if (tokens.has(token)) throw new InputError(`${file}:${i + 1}`, 'this token is given twice: each agent needs its own');
    tokens.set(token, name);
  });
  if (tokens.size === 0) throw new InputError(file, 'no token in the file: add a line NAME TOKEN');
  return tokens;
}

/** The agent a bearer token names, compared in constant time; undefined when none does. */
export function agentOfToken(tokens: Tokens, presented: string): string | undefined {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  const given = digest(presented);
  let found: string | undefined;
  for (const [token, name] of tokens) if (timingSafeEqual(digest(token), given)) found = name;
  return found;
}
