// torch.Generator for the CPU (at::CPUGeneratorImpl): an mt19937 engine, the 64-bit seed it was
// created from, and the cached second half of a double Box-Muller pair. State bytes use
// PyTorch's x86-64 layout (5056 bytes), so get_state/set_state round-trip with torch.

import { RuntimeError, ValueError } from "../errors.js";
import { cos, log, sin } from "./libm.js";
import { MT19937, MT_N } from "./mt19937.js";

/** c10::default_rng_seed_val: the seed of a fresh torch.Generator(). */
export const DEFAULT_RNG_SEED = 67280421310721;
/** sizeof(CPUGeneratorImplState) */
export const RNG_STATE_SIZE = 5056;
/** sizeof(CPUGeneratorImplStateLegacy), still accepted by set_state in 1.13 */
export const RNG_STATE_SIZE_LEGACY = 5048;

const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;
const TWO_M24 = 2 ** -24;
const TWO_M53 = 2 ** -53;
const TWO32 = 4294967296;
const TWO_PI = 2 * Math.PI;

function pyTypeName(v: unknown): string {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  if (typeof v === "number") return "float";
  if (v === null || v === undefined) return "NoneType";
  return typeof v;
}

/** Python int -> uint64 as THPGenerator_manualSeed does (negative values wrap). */
function seedToU64(seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === "bigint") {
    s = seed;
  } else if (typeof seed === "number" && Number.isInteger(seed)) {
    s = BigInt(seed);
  } else {
    throw new RuntimeError(`manual_seed expected a long, but got ${pyTypeName(seed)}`);
  }
  if (s >= TWO64 || s < -TWO63) throw new RuntimeError("Overflow when unpacking long");
  return s < 0n ? s + TWO64 : s;
}

/** Python-int-like return value: a number when exact, else a bigint. */
function u64Out(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function nondeterministicSeed(): bigint {
  // c10::detail::getNonDeterministicRandom reads 64 bits from /dev/urandom for CPU generators
  const w = new Uint32Array(2);
  globalThis.crypto.getRandomValues(w);
  return (BigInt(w[0]) << 32n) | BigInt(w[1]);
}

export class Generator {
  /** the engine; exposed for fast kernels (read-only use) */
  readonly engine = new MT19937();
  private seedU64 = 0n;
  // next_double_normal_sample (c10::optional<double>) without allocation
  private hasNormal = false;
  private cachedNormal = 0;

  constructor() {
    this.setSeed(BigInt(DEFAULT_RNG_SEED));
  }

  get device(): string {
    return "cpu";
  }

  private setSeed(s: bigint): void {
    this.seedU64 = s;
    this.engine.seed(Number(s & 0xffffffffn));
    this.hasNormal = false;
  }

  /**
   * Generator.manual_seed: a Python int (number or bigint) wrapped to uint64; -1 -> 2^64-1.
   * Non-integers raise like PyTorch ("manual_seed expected a long, but got float"), values
   * outside [-2^63, 2^64) raise "Overflow when unpacking long" (1.13's RuntimeError; 2.x raises
   * ValueError "... long long"). Clears the cached normal sample.
   */
  manual_seed(seed: number | bigint): this {
    this.setSeed(seedToU64(seed));
    return this;
  }

  /** Generator.seed(): reseed from 64 nondeterministic bits; returns the new seed. */
  seed(): number | bigint {
    const s = nondeterministicSeed();
    this.setSeed(s);
    return u64Out(s);
  }

  /** Generator.initial_seed(): the uint64 seed (a number when <= 2^53-1, else a bigint). */
  initial_seed(): number | bigint {
    return u64Out(this.seedU64);
  }

  /** One engine output, an unsigned 32-bit integer (CPUGeneratorImpl::random). */
  random(): number {
    return this.engine.nextU32();
  }

  /** CPUGeneratorImpl::random64: (first << 32) | second. Kernels compose the two random()s. */
  random64(): bigint {
    const hi = this.engine.nextU32();
    const lo = this.engine.nextU32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** uniform_real_distribution<float>(0, 1): (random() & (2^24-1)) * 2^-24, exact float32. */
  uniform24(): number {
    return (this.engine.nextU32() & 0xffffff) * TWO_M24;
  }

  /** uniform_real_distribution<double>(0, 1): (random64() & (2^53-1)) * 2^-53. */
  uniform53(): number {
    const hi = this.engine.nextU32();
    const lo = this.engine.nextU32();
    return ((hi & 0x1fffff) * TWO32 + lo) * TWO_M53;
  }

  /**
   * at::normal_distribution<double> with mean 0, std 1: returns the cached sample if any
   * (clearing it), else draws u1, u2 (uniform53, in that order), caches r*sin(theta) and
   * returns r*cos(theta) with r = sqrt(-2 log(1 - u2)), theta = 2 pi u1 (glibc libm).
   * The kernel then applies mean/std (fused in the AVX2 build).
   */
  normalSample(): number {
    if (this.hasNormal) {
      this.hasNormal = false;
      return this.cachedNormal;
    }
    const u1 = this.uniform53();
    const u2 = this.uniform53();
    const r = Math.sqrt(-2.0 * log(1.0 - u2));
    const theta = TWO_PI * u1;
    this.cachedNormal = r * sin(theta);
    this.hasNormal = true;
    return r * cos(theta);
  }

  /** The cached double normal sample (next_double_normal_sample), or null. */
  get next_double_normal_sample(): number | null {
    return this.hasNormal ? this.cachedNormal : null;
  }

  set next_double_normal_sample(v: number | null) {
    this.hasNormal = v !== null;
    this.cachedNormal = v ?? 0;
  }

  /** Generator.get_state_bytes(): the 5056-byte CPUGeneratorImplState (little endian). */
  get_state_bytes(): Uint8Array {
    const bytes = new Uint8Array(RNG_STATE_SIZE);
    const dv = new DataView(bytes.buffer);
    const e = this.engine;
    dv.setBigUint64(0, this.seedU64, true);
    dv.setInt32(8, e.left, true);
    dv.setInt32(12, 1, true); // seeded
    dv.setUint32(16, e.next, true); // u64, high word stays 0
    for (let j = 0; j < MT_N; j++) dv.setUint32(24 + 8 * j, e.state[j], true);
    // 5016 normal_x and 5032 normal_rho are always 0; 5044.. the float cache, which no CPU
    // kernel sets (1.13 returns it as zeros even after set_state)
    if (this.hasNormal) {
      dv.setFloat64(5024, this.cachedNormal, true);
      dv.setInt32(5040, 1, true);
    }
    return bytes;
  }

  /**
   * Generator.set_state_bytes(bytes): accepts the 5056-byte layout or the 5048-byte legacy one
   * (whose cache is normal_rho * sin(2 pi normal_x)), validated like PyTorch 1.13. The caller
   * checks that the tensor is a contiguous torch.uint8 CPU tensor ("RNG state must be a
   * torch.ByteTensor", TypeError).
   */
  set_state_bytes(bytes: Uint8Array): this {
    const size = bytes.length;
    if (size !== RNG_STATE_SIZE && size !== RNG_STATE_SIZE_LEGACY) {
      throw new RuntimeError(
        `Expected either a CPUGeneratorImplStateLegacy of size ${RNG_STATE_SIZE_LEGACY} or a CPUGeneratorImplState of size ${RNG_STATE_SIZE} but found the input RNG state size to be ${size}`,
      );
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, size);
    const seed = dv.getBigUint64(0, true);
    const left = dv.getInt32(8, true);
    const seeded = dv.getInt32(12, true) !== 0;
    const next = dv.getUint32(16, true); // static_cast<uint32_t> of the u64 field
    if (!(seeded && left > 0 && left <= MT_N && next <= MT_N)) {
      throw new RuntimeError("Invalid mt19937 state");
    }
    let hasNormal = false;
    let cached = 0;
    if (dv.getInt32(5040, true) !== 0) {
      hasNormal = true;
      if (size === RNG_STATE_SIZE) {
        cached = dv.getFloat64(5024, true);
      } else {
        const normalX = dv.getFloat64(5016, true);
        const rho = dv.getFloat64(5032, true);
        cached = rho * sin(TWO_PI * normalX);
      }
    }
    const e = this.engine;
    for (let j = 0; j < MT_N; j++) e.state[j] = dv.getUint32(24 + 8 * j, true);
    e.left = left;
    e.next = next;
    this.seedU64 = seed;
    this.hasNormal = hasNormal;
    this.cachedNormal = cached;
    return this;
  }
}

/** torch.default_generator: seeded nondeterministically when the module loads, like PyTorch. */
export const default_generator = new Generator();
default_generator.seed();

/** torch.manual_seed(seed): int(seed) then default_generator.manual_seed; returns it. */
export function manual_seed(seed: number | bigint): Generator {
  if (typeof seed === "number") {
    if (Number.isNaN(seed)) throw new ValueError("cannot convert float NaN to integer");
    // Python raises OverflowError here; torchlette has no such class
    if (!Number.isFinite(seed)) throw new RuntimeError("cannot convert float infinity to integer");
    seed = Math.trunc(seed);
  }
  return default_generator.manual_seed(seed);
}

/** torch.seed(): reseed the default generator nondeterministically; returns the seed. */
export function seed(): number | bigint {
  return default_generator.seed();
}

/** torch.initial_seed() */
export function initial_seed(): number | bigint {
  return default_generator.initial_seed();
}

/** bytes of torch.get_rng_state() */
export function get_rng_state_bytes(): Uint8Array {
  return default_generator.get_state_bytes();
}

/** torch.set_rng_state() from bytes */
export function set_rng_state_bytes(state: Uint8Array): void {
  default_generator.set_state_bytes(state);
}
