// Public surface of torchlette's random layer (tensor-free: typed arrays in, typed arrays out).
export {
  DEFAULT_RNG_SEED,
  Generator,
  RNG_STATE_SIZE,
  RNG_STATE_SIZE_LEGACY,
  default_generator,
  get_rng_state_bytes,
  initial_seed,
  manual_seed,
  seed,
  set_rng_state_bytes,
} from "./generator.js";
export {
  type CpuCapability,
  type FloatArray,
  type OutArray,
  type RandomDtype,
  bernoulliScalarFill,
  bernoulliTensorFill,
  cppDouble,
  dropoutMask,
  exponentialFill,
  getCpuCapability,
  multinomial,
  normalFill,
  randomFill,
  randperm,
  setCpuCapability,
  uniformFill,
} from "./kernels.js";
export { fma32, fma64 } from "./fma.js";
export { cos, cosf, log, logf, sin, sinf } from "./libm.js";
