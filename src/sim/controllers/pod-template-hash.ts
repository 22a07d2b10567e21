/**
 * The `pod-template-hash` of a Deployment's ReplicaSets (controller.ComputeHash): FNV-1a 32-bit over
 * the pod template, then over the collision count as 8 little-endian bytes when the Deployment has
 * one, printed in decimal and re-encoded character by character with the apiserver's name alphabet
 * (rand.SafeEncodeString), so the hash has no vowels and no look-alike characters.
 *
 * One difference from the real controller: it hashes the Go struct as go-spew prints it, which
 * depends on every field of the Go type; we hash the template's canonical JSON (keys sorted). The
 * hash is stable and has the real shape and alphabet, but not the real value for the same template.
 */
import { canonicalJson } from './kube.js';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function fnv1a(hash: number, bytes: Uint8Array): number {
  let h = hash;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped through the 27-letter alphabet by its byte value. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}

/**
 * The hash of a pod template with an optional collision count.
 * @example computeHash(template, undefined) // '7d9c5b8f6' (shape: up to 10 safe characters)
 */
export function computeHash(template: unknown, collisionCount: number | undefined): string {
  let h = fnv1a(0x811c9dc5, new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv1a(h, bytes);
  }
  return safeEncodeString(String(h));
}
