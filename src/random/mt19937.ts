// at::mt19937 (ATen/core/MT19937RNGEngine.h): the 32-bit Mersenne Twister behind PyTorch's CPU
// generator. Seeding uses only the low 32 bits of the 64-bit seed; `left` starts at 1, so the
// first output twists. State words live in a Uint32Array; everything stays in int32 math.

export const MT_N = 624;
const MT_M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

export class MT19937 {
  /** untempered state words */
  readonly state = new Uint32Array(MT_N);
  /** outputs left before the next twist (1..624) */
  left = 1;
  /** index of the next state word (0..624) */
  next = 0;

  constructor(seed = 5489) {
    this.seed(seed);
  }

  /** Seeds from the low 32 bits of `seedLo32` (callers pass seed mod 2^32). */
  seed(seedLo32: number): void {
    const st = this.state;
    let prev = seedLo32 >>> 0;
    st[0] = prev;
    for (let j = 1; j < MT_N; j++) {
      prev = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
      st[j] = prev;
    }
    this.left = 1;
    this.next = 0;
  }

  private twist(): void {
    const st = this.state;
    let j = 0;
    for (; j < MT_N - MT_M; j++) {
      const y = (st[j] & UPPER) | (st[j + 1] & LOWER);
      st[j] = st[j + MT_M] ^ (y >>> 1) ^ (st[j + 1] & 1 ? MATRIX_A : 0);
    }
    for (; j < MT_N - 1; j++) {
      const y = (st[j] & UPPER) | (st[j + 1] & LOWER);
      st[j] = st[j + MT_M - MT_N] ^ (y >>> 1) ^ (st[j + 1] & 1 ? MATRIX_A : 0);
    }
    const y = (st[MT_N - 1] & UPPER) | (st[0] & LOWER);
    st[MT_N - 1] = st[MT_M - 1] ^ (y >>> 1) ^ (st[0] & 1 ? MATRIX_A : 0);
    this.left = MT_N;
    this.next = 0;
  }

  /** One tempered output as an unsigned 32-bit number. */
  nextU32(): number {
    if (--this.left === 0) this.twist();
    let y = this.state[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Fills out[0..n) with consecutive outputs (the same stream as n calls of nextU32). */
  fillU32(out: Uint32Array, n = out.length): void {
    const st = this.state;
    let i = 0;
    while (i < n) {
      if (--this.left === 0) this.twist();
      // this output and left - 1 more come before the next twist
      const count = Math.min(n - i, this.left);
      let k = this.next;
      for (let c = 0; c < count; c++) out[i++] = temper(st[k++]);
      this.next = k;
      this.left -= count - 1;
    }
  }
}

function temper(y: number): number {
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  y ^= y >>> 18;
  return y >>> 0;
}
