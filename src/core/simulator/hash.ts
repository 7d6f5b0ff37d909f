/**
 * Deterministic pseudo-randomness for the offline simulator. Every "random" choice the
 * simulator makes is a pure function of the run seed and the request text, so the same
 * run repeats exactly (and a response cache has something stable to cache).
 */

/** FNV-1a, 32 bit: small, fast and good enough to spread short strings over [0, 2^32). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // One avalanche round (murmur3's finaliser) so that near-identical inputs differ in every bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) keyed on the seed and the given parts. */
export function hashUnit(seed: number, ...parts: string[]): number {
  return fnv1a(`${seed}\u0000${parts.join('\u0000')}`) / 0x1_0000_0000;
}

/** A deterministic index in [0, n) keyed on the seed and the given parts. */
export function hashIndex(n: number, seed: number, ...parts: string[]): number {
  if (n <= 0) return 0;
  return Math.min(n - 1, Math.floor(hashUnit(seed, ...parts) * n));
}
