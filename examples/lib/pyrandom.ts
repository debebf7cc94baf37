// Python's `random` module (CPython's Mersenne Twister), enough of it to reproduce the lectures'
// `random.seed(42); random.shuffle(words)` train/val/test split: seeding an int goes through
// init_by_array with the seed's 32-bit words, shuffle is Fisher-Yates driven by _randbelow,
// which draws getrandbits(k) until the value is below n (k = n.bit_length()).
const N = 624;
const M = 397;

export class PyRandom {
  private mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: number | bigint = 0) {
    this.seed(seed);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** random.seed(n) for an int n: the absolute value's 32-bit words, least significant first. */
  seed(n: number | bigint): void {
    let v = BigInt(n);
    if (v < 0n) v = -v;
    const key: number[] = [];
    while (v > 0n) {
      key.push(Number(v & 0xffffffffn));
      v >>= 32n;
    }
    if (key.length === 0) key.push(0);
    this.initByArray(key);
  }

  /** genrand_uint32 */
  private next(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.random(): 53 random bits from two outputs, in [0, 1). */
  random(): number {
    const a = this.next() >>> 5;
    const b = this.next() >>> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /** random.getrandbits(k) for 0 <= k <= 53 (a JS number holds the result exactly). */
  getrandbits(k: number): number {
    if (k < 0) throw new RangeError("number of bits must be non-negative");
    if (k === 0) return 0;
    if (k <= 32) return this.next() >>> (32 - k);
    if (k > 53) throw new RangeError("getrandbits: more than 53 bits is not supported");
    // CPython fills 32-bit words least significant first; the last word keeps its top bits
    const lo = this.next();
    const hi = this.next() >>> (64 - k);
    return hi * 4294967296 + lo;
  }

  /** Random._randbelow_with_getrandbits(n), n >= 1 */
  randbelow(n: number): number {
    const k = n.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** random.randrange(a, b) with step 1 */
  randrange(start: number, stop?: number): number {
    if (stop === undefined) return this.randbelow(start);
    return start + this.randbelow(stop - start);
  }

  /** random.randint(a, b), both ends included */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1);
  }

  /** random.shuffle(x), in place */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }

  /** random.choice(seq) */
  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new RangeError("Cannot choose from an empty sequence");
    return seq[this.randbelow(seq.length)];
  }
}

/** The module-level functions share one instance, as in Python. */
// unseeded, Python draws its seed from os.urandom
const seedWords = globalThis.crypto.getRandomValues(new Uint32Array(2));
const inst = new PyRandom((BigInt(seedWords[0]) << 32n) | BigInt(seedWords[1]));
export const random = {
  seed: (n: number | bigint) => inst.seed(n),
  random: () => inst.random(),
  getrandbits: (k: number) => inst.getrandbits(k),
  randrange: (a: number, b?: number) => inst.randrange(a, b),
  randint: (a: number, b: number) => inst.randint(a, b),
  shuffle: <T>(x: T[]) => inst.shuffle(x),
  choice: <T>(x: readonly T[]) => inst.choice(x),
};
