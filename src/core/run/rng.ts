import { z } from 'zod';

/**
 * A small seeded PRNG (sfc32 over a 128-bit state) whose state is four uint32s, so it
 * can be written to a checkpoint and resumed exactly. Each purpose gets its own stream
 * derived from the run seed: drawing one more dropout sentence must not shift the TSA
 * draws or the batch order (the reference shares one global generator, which is why
 * its runs are not reproducible).
 */

export const RNG_PURPOSES = ['batch', 'dropout', 'tsa', 'split', 'retry-jitter'] as const;
export type RngPurpose = (typeof RNG_PURPOSES)[number];

export const RngStateSchema = z.tuple([
  z.number().int().min(0).max(0xffffffff),
  z.number().int().min(0).max(0xffffffff),
  z.number().int().min(0).max(0xffffffff),
  z.number().int().min(0).max(0xffffffff),
]);
export type RngState = z.infer<typeof RngStateSchema>;

/** cyrb128: a fast string hash giving four well-mixed 32-bit words to seed sfc32. */
function hash128(text: string): RngState {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(state: RngState) {
    [this.a, this.b, this.c, this.d] = RngStateSchema.parse(state);
    // An all-zero state would make sfc32 emit a constant stream.
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** The stream for `purpose` of run `seed`; independent of every other purpose. */
  static derive(seed: number, purpose: RngPurpose | string): Rng {
    const rng = new Rng(hash128(`dlpo:${seed}:${purpose}`));
    // Warm-up: the first outputs of sfc32 from a hashed state are slightly correlated.
    for (let i = 0; i < 12; i++) rng.nextUint32();
    return rng;
  }

  static fromState(state: RngState): Rng {
    return new Rng(state);
  }

  /** The state to checkpoint; `Rng.fromState(rng.state())` continues the same stream. */
  state(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  nextUint32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    // Rejection sampling keeps the distribution exactly uniform for any n.
    const limit = Math.floor(4294967296 / n) * n;
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A shuffled copy (Fisher–Yates); the input is not changed. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** `k` distinct items chosen uniformly, in the order drawn. */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k < 0 || k > items.length) throw new RangeError(`Rng.sample: cannot take ${k} of ${items.length}`);
    const pool = items.slice();
    const out: T[] = [];
    for (let i = 0; i < k; i++) {
      const j = i + this.int(pool.length - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
      out.push(pool[i]);
    }
    return out;
  }
}

/** Shorthand for `Rng.derive`. */
export function derive(seed: number, purpose: RngPurpose | string): Rng {
  return Rng.derive(seed, purpose);
}
