// Node-API bindings. Every entry point re-checks its arguments (types, integrality, signs,
// bounds of every index reachable through the strides) even though src/backend/native.ts
// validates first: a direct call with bad arguments must throw, never touch memory outside
// the arrays it was given.
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "gemm.h"
#include "pointwise.h"
#include "reduce.h"
#include "reduce_stats.h"
#include "random.h"
#include "malloc_tuning.h"

namespace {

constexpr double kMaxSafe = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

bool throw_type(napi_env env, const std::string& msg) {
  napi_throw_type_error(env, nullptr, msg.c_str());
  return false;
}
bool throw_range(napi_env env, const std::string& msg) {
  napi_throw_range_error(env, nullptr, msg.c_str());
  return false;
}

// The arguments of an entry point: the first `want` into argv (fewer: TypeError "<fn>: expected
// <want> arguments", the text every entry uses). False with the exception pending.
bool get_args(napi_env env, napi_callback_info info, const char* fn, size_t want, napi_value* argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < want)
    return throw_type(env, std::string(fn) + ": expected " + std::to_string(want) + (want == 1 ? " argument" : " arguments"));
  return true;
}

bool get_int(napi_env env, napi_value v, const char* fn, const char* name, int64_t* out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok)
    return throw_type(env, std::string(fn) + ": " + name + " must be a number");
  if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > kMaxSafe)
    return throw_type(env, std::string(fn) + ": " + name + " must be a safe integer");
  if (d < 0) return throw_range(env, std::string(fn) + ": " + name + " must be non-negative");
  *out = (int64_t)d;
  return true;
}

struct Array {
  void* data = nullptr;
  size_t length = 0;  // elements
};

bool get_array(napi_env env, napi_value v, napi_typedarray_type want, const char* fn,
               const char* name, Array* out) {
  napi_typedarray_type type;
  // Not asking for the ArrayBuffer object saves creating a handle for it on every call; the
  // call itself fails (napi_invalid_arg) for anything but a typed array, so no separate
  // napi_is_typedarray is needed.
  if (napi_get_typedarray_info(env, v, &type, &out->length, &out->data, nullptr, nullptr) !=
      napi_ok) {
    napi_value exc;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &exc);
    return throw_type(env, std::string(fn) + ": " + name + " must be a typed array");
  }
  if (type != want) {
    const char* w = want == napi_float32_array ? "Float32Array"
                    : want == napi_uint8_array ? "Uint8Array"
                    : want == napi_uint32_array ? "Uint32Array"
                                               : "Float64Array";
    return throw_type(env, std::string(fn) + ": " + name + " must be a " + w);
  }
  if (out->data == nullptr) out->length = 0;  // detached buffer
  return true;
}

// A float32 operand given as a Float32Array or as the ArrayBuffer under one (then offsets count
// floats from the buffer's start). The buffer form costs ~5 ns where a typed array costs ~27
// (napi_get_typedarray_info): a tiny op's three operands are a tenth of its time.
bool get_f32_operand(napi_env env, napi_value v, const char* fn, const char* name, Array* out) {
  size_t bytes = 0;
  if (napi_get_arraybuffer_info(env, v, &out->data, &bytes) == napi_ok) {
    out->length = out->data == nullptr ? 0 : bytes / sizeof(float);
    return true;
  }
  if (napi_get_typedarray_info(env, v, nullptr, nullptr, nullptr, nullptr, nullptr) != napi_ok)
    return throw_type(env, std::string(fn) + ": " + name + " must be a Float32Array or an ArrayBuffer");
  return get_array(env, v, napi_float32_array, fn, name, out);
}

// Largest index reached by off + sum_d (size_d - 1) * stride_d, or -1 when some size is 0
// (nothing is read). Fails on int64 overflow.
bool max_index(int64_t off, const int64_t* sizes, const int64_t* strides, int n, int64_t* out) {
  int64_t hi = off;
  for (int d = 0; d < n; ++d) {
    if (sizes[d] == 0) {
      *out = -1;
      return true;
    }
    int64_t t;
    if (__builtin_mul_overflow(sizes[d] - 1, strides[d], &t) || __builtin_add_overflow(hi, t, &hi))
      return false;
  }
  *out = hi;
  return true;
}

// Checks the span and returns the byte range [lo, hi) it covers (empty when nothing is read).
bool check_span(napi_env env, const char* fn, const char* name, const Array& a, int64_t off,
                const int64_t* sizes, const int64_t* strides, int n, size_t itemsize,
                uintptr_t* lo, uintptr_t* hi) {
  int64_t top;
  if (!max_index(off, sizes, strides, n, &top) || (top >= 0 && (uint64_t)top >= a.length))
    return throw_range(env, std::string(fn) + ": " + name +
                                " strides reach past the end of its array (length " +
                                std::to_string(a.length) + ")");
  const uintptr_t base = reinterpret_cast<uintptr_t>(a.data);
  *lo = top < 0 ? 0 : base + (uintptr_t)off * itemsize;
  *hi = top < 0 ? 0 : base + ((uintptr_t)top + 1) * itemsize;
  return true;
}

bool overlaps(uintptr_t lo1, uintptr_t hi1, uintptr_t lo2, uintptr_t hi2) {
  return lo1 < hi1 && lo2 < hi2 && lo1 < hi2 && lo2 < hi1;
}

napi_value make_int(napi_env env, int64_t x) {
  napi_value r;
  napi_create_int64(env, x, &r);
  return r;
}

// v: the positional arguments' integer values (the A, B, C slots 4, 9, 14 unused; v[19] is
// `exact`). Returns 0, or 1 (nothing computed) when C's memory overlaps A's or B's.
template <typename T>
napi_value run_gemm(napi_env env, const char* fn, const int64_t* v, const Array& A,
                    const Array& B, const Array& C) {
  const int64_t batch = v[0], M = v[1], N = v[2], K = v[3];
  if (v[18] != 0 && v[18] != 1) {
    throw_range(env, std::string(fn) + ": beta must be 0 or 1");
    return nullptr;
  }
  if (v[19] != 0 && v[19] != 1) {
    throw_range(env, std::string(fn) + ": exact must be 0 or 1");
    return nullptr;
  }
  int64_t work;
  if (__builtin_mul_overflow(batch, M, &work) || __builtin_mul_overflow(work, N, &work) ||
      __builtin_mul_overflow(work, K, &work) || work > (int64_t(1) << 62)) {
    throw_range(env, std::string(fn) + ": problem too large");
    return nullptr;
  }
  {
    const int64_t sa[3] = {batch, M, K}, ta[3] = {v[6], v[7], v[8]};
    const int64_t sb[3] = {batch, K, N}, tb[3] = {v[11], v[12], v[13]};
    const int64_t sc[3] = {batch, M, N}, tc[3] = {v[16], v[17], 1};
    uintptr_t alo, ahi, blo, bhi, clo, chi;
    if (!check_span(env, fn, "A", A, v[5], sa, ta, 3, sizeof(T), &alo, &ahi) ||
        !check_span(env, fn, "B", B, v[10], sb, tb, 3, sizeof(T), &blo, &bhi) ||
        !check_span(env, fn, "C", C, v[15], sc, tc, 3, sizeof(T), &clo, &chi))
      return nullptr;
    // The product reads A and B while it writes C: an overlap would give garbage.
    if (overlaps(clo, chi, alo, ahi) || overlaps(clo, chi, blo, bhi)) return make_int(env, 1);
  }
  if (batch == 0 || M == 0 || N == 0) return make_int(env, 0);
  tl::GemmArgs<T> g;
  g.batch = batch, g.M = M, g.N = N, g.K = K;
  // With K == 0 the A and B pointers are never dereferenced (and may be empty arrays).
  g.A = static_cast<const T*>(A.data) + (K ? v[5] : 0);
  g.aBS = v[6], g.aRS = v[7], g.aCS = v[8];
  g.B = static_cast<const T*>(B.data) + (K ? v[10] : 0);
  g.bBS = v[11], g.bRS = v[12], g.bCS = v[13];
  g.C = static_cast<T*>(C.data) + v[15];
  g.cBS = v[16], g.cRS = v[17];
  g.accumulate = v[18] == 1;
  g.exact = v[19] == 1;
  bool ok;
  if constexpr (sizeof(T) == 4) ok = tl::sgemm(g); else ok = tl::dgemm(g);
  if (!ok) throw_range(env, std::string(fn) + ": out of memory for packing buffers");
  return make_int(env, 0);
}

constexpr size_t kGemmArgs = 20;
const char* const kGemmNames[kGemmArgs] = {
    "batch", "M", "N", "K", "A", "aOff", "aBatchStride", "aRowStride", "aColStride",
    "B", "bOff", "bBatchStride", "bRowStride", "bColStride", "C", "cOff", "cBatchStride",
    "cRowStride", "beta", "exact"};

// sgemm(batch, M, N, K, A, aOff, aBS, aRS, aCS, B, bOff, bBS, bRS, bCS, C, cOff, cBS, cRS,
//       beta[, exact])
template <typename T>
napi_value gemm_entry(napi_env env, napi_callback_info info, napi_typedarray_type tt,
                      const char* fn) {
  size_t argc = kGemmArgs;
  napi_value argv[kGemmArgs];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc < kGemmArgs - 1) {
    throw_type(env, std::string(fn) + ": expected 19 or 20 arguments");
    return nullptr;
  }
  int64_t v[kGemmArgs] = {0};
  Array A, B, C;
  for (size_t i = 0; i < argc && i < kGemmArgs; ++i) {
    if (i == 4 || i == 9 || i == 14) {
      Array* dst = i == 4 ? &A : i == 9 ? &B : &C;
      if (!get_array(env, argv[i], tt, fn, kGemmNames[i], dst)) return nullptr;
    } else if (!get_int(env, argv[i], fn, kGemmNames[i], &v[i])) {
      return nullptr;
    }
  }
  return run_gemm<T>(env, fn, v, A, B, C);
}

// sgemm_p(A, B, C, params): the same product with the 17 integers in a Float64Array
// [batch, M, N, K, aOff, aBS, aRS, aCS, bOff, bBS, bRS, bCS, cOff, cBS, cRS, beta, exact].
// Four arguments instead of nineteen: about 200 ns less per call, which is a tenth of
// the makemore MLP's products.
template <typename T>
napi_value gemm_packed_entry(napi_env env, napi_callback_info info, napi_typedarray_type tt,
                             const char* fn) {
  napi_value argv[4];
  if (!get_args(env, info, fn, 4, argv)) return nullptr;
  Array A, B, C, P;
  if (!get_array(env, argv[0], tt, fn, "A", &A) || !get_array(env, argv[1], tt, fn, "B", &B) ||
      !get_array(env, argv[2], tt, fn, "C", &C) ||
      !get_array(env, argv[3], napi_float64_array, fn, "params", &P))
    return nullptr;
  if (P.length < 17) {
    throw_range(env, std::string(fn) + ": params must hold 17 numbers");
    return nullptr;
  }
  static const int kSlot[17] = {0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18, 19};
  const double* p = static_cast<const double*>(P.data);
  int64_t v[kGemmArgs] = {0};
  for (int i = 0; i < 17; ++i) {
    const double d = p[i];
    if (!(d >= 0 && d <= kMaxSafe && d == std::floor(d))) {
      throw_range(env, std::string(fn) + ": " + kGemmNames[kSlot[i]] +
                           " must be a non-negative safe integer");
      return nullptr;
    }
    v[kSlot[i]] = (int64_t)d;
  }
  return run_gemm<T>(env, fn, v, A, B, C);
}

napi_value SgemmP(napi_env env, napi_callback_info info) {
  return gemm_packed_entry<float>(env, info, napi_float32_array, "sgemm_p");
}
napi_value DgemmP(napi_env env, napi_callback_info info) {
  return gemm_packed_entry<double>(env, info, napi_float64_array, "dgemm_p");
}

napi_value Sgemm(napi_env env, napi_callback_info info) {
  return gemm_entry<float>(env, info, napi_float32_array, "sgemm");
}
napi_value Dgemm(napi_env env, napi_callback_info info) {
  return gemm_entry<double>(env, info, napi_float64_array, "dgemm");
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int64_t n;
  if (argc < 1) {
    throw_type(env, "set_num_threads: expected 1 argument");
    return nullptr;
  }
  if (!get_int(env, argv[0], "set_num_threads", "n", &n)) return nullptr;
  if (n < 1 || n > 1024) {
    throw_range(env, "set_num_threads: n must be between 1 and 1024");
    return nullptr;
  }
  tl::set_num_threads((int)n);
  return nullptr;
}

napi_value GetNumThreads(napi_env env, napi_callback_info) {
  return make_int(env, tl::get_num_threads());
}
napi_value DefaultNumThreads(napi_env env, napi_callback_info) {
  return make_int(env, tl::default_num_threads());
}

napi_value Isa(napi_env env, napi_callback_info) {
  napi_value r;
  napi_create_string_utf8(env, tl::isa_name(), NAPI_AUTO_LENGTH, &r);
  return r;
}

bool get_string(napi_env env, napi_value v, char* buf, size_t cap) {
  size_t len;
  return napi_get_value_string_utf8(env, v, buf, cap, &len) == napi_ok;
}

// set_isa(name): switch kernel set ("avx512" | "avx2" | "generic"); false if this CPU lacks it.
napi_value SetIsa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  char name[32] = {0};
  if (argc < 1 || !get_string(env, argv[0], name, sizeof name)) {
    throw_type(env, "set_isa: expected a string");
    return nullptr;
  }
  napi_value r;
  napi_get_boolean(env, tl::force_isa(name), &r);
  return r;
}

napi_value IsaSupported(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  char name[32] = {0};
  if (argc < 1 || !get_string(env, argv[0], name, sizeof name)) {
    throw_type(env, "isa_supported: expected a string");
    return nullptr;
  }
  napi_value r;
  napi_get_boolean(env, tl::isa_supported(name), &r);
  return r;
}

// blocking("float32" | "float64") -> { MR, NR, MC, KC, NC }
napi_value GetBlocking(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  char name[32] = {0};
  if (argc < 1 || !get_string(env, argv[0], name, sizeof name)) {
    throw_type(env, "blocking: expected a dtype name");
    return nullptr;
  }
  tl::Blocking b;
  if (std::strcmp(name, "float32") == 0) b = tl::blocking_f32();
  else if (std::strcmp(name, "float64") == 0) b = tl::blocking_f64();
  else {
    throw_type(env, "blocking: dtype must be float32 or float64");
    return nullptr;
  }
  napi_value obj;
  napi_create_object(env, &obj);
  const std::pair<const char*, int> f[] = {{"MR", b.MR}, {"NR", b.NR}, {"MC", b.MC}, {"KC", b.KC}, {"NC", b.NC}};
  for (auto& kv : f) napi_set_named_property(env, obj, kv.first, make_int(env, kv.second));
  return obj;
}

// set_blocking(dtype, MC, KC, NC): tuning experiments (bench); 0 keeps a value.
napi_value SetBlocking(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  char name[32] = {0};
  int64_t v[3];
  if (argc < 4 || !get_string(env, argv[0], name, sizeof name)) {
    throw_type(env, "set_blocking: expected (dtype, MC, KC, NC)");
    return nullptr;
  }
  for (int i = 0; i < 3; ++i) {
    if (!get_int(env, argv[i + 1], "set_blocking", "block size", &v[i])) return nullptr;
    if (v[i] > 65536) {
      throw_range(env, "set_blocking: block sizes must be at most 65536");
      return nullptr;
    }
  }
  if (std::strcmp(name, "float32") == 0) tl::set_blocking_f32((int)v[0], (int)v[1], (int)v[2]);
  else if (std::strcmp(name, "float64") == 0) tl::set_blocking_f64((int)v[0], (int)v[1], (int)v[2]);
  else throw_type(env, "set_blocking: dtype must be float32 or float64");
  return nullptr;
}

// set_thresholds(rawMaxFma, parallelMinFma[, sharedBMinFma]) -> previous [rawMaxFma,
// parallelMinFma, sharedBMinFma]. rawMaxFma = -1 packs every operand. For tests and tuning.
napi_value SetThresholds(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int64_t prev[3];
  tl::get_thresholds(&prev[0], &prev[1], &prev[2]);
  if (argc >= 2) {
    const size_t n = argc >= 3 ? 3 : 2;
    double d[3] = {0, 0, -1};
    for (size_t i = 0; i < n; ++i) {
      napi_valuetype t;
      if (i == 2 && napi_typeof(env, argv[i], &t) == napi_ok && t == napi_undefined) continue;
      if (napi_get_value_double(env, argv[i], &d[i]) != napi_ok || !std::isfinite(d[i]) ||
          d[i] != std::floor(d[i]) || d[i] < -1 || d[i] > kMaxSafe) {
        throw_type(env, "set_thresholds: expected two or three integers >= -1");
        return nullptr;
      }
    }
    tl::set_thresholds((int64_t)d[0], (int64_t)d[1], (int64_t)d[2]);
  }
  napi_value arr;
  napi_create_array_with_length(env, 3, &arr);
  for (uint32_t i = 0; i < 3; ++i) napi_set_element(env, arr, i, make_int(env, prev[i]));
  return arr;
}

// ew_f32(op, out, a, b, params): out = op(a[, b]) over float32 strided views.
// params (Float64Array): [nd, offOut, offA, offB, p0, p1, shape[nd], strideOut[nd],
// strideA[nd], strideB[nd]]; b is ignored (may be null) for unary ops.
napi_value EwF32(napi_env env, napi_callback_info info) {
  const char* fn = "ew_f32";
  napi_value argv[5];
  if (!get_args(env, info, fn, 5, argv)) return nullptr;
  int64_t op;
  if (!get_int(env, argv[0], fn, "op", &op)) return nullptr;
  const int arity = op < tl::kEwOpCount ? tl::ew_arity((int)op) : 0;
  if (arity == 0) {
    throw_range(env, "ew_f32: unknown op");
    return nullptr;
  }
  Array O, A, B, P;
  if (!get_array(env, argv[1], napi_float32_array, fn, "out", &O) ||
      !get_array(env, argv[2], napi_float32_array, fn, "a", &A) ||
      (arity == 2 && !get_array(env, argv[3], napi_float32_array, fn, "b", &B)) ||
      !get_array(env, argv[4], napi_float64_array, fn, "params", &P))
    return nullptr;
  const double* p = static_cast<const double*>(P.data);
  auto int_at = [&](size_t i, int64_t* out) {
    if (i >= P.length) return throw_range(env, "ew_f32: params too short");
    const double d = p[i];
    if (!(d >= 0 && d <= kMaxSafe && d == std::floor(d)))
      return throw_range(env, "ew_f32: sizes, strides and offsets must be non-negative safe integers");
    *out = (int64_t)d;
    return true;
  };
  int64_t nd;
  if (!int_at(0, &nd)) return nullptr;
  if (nd < 1 || nd > tl::kEwMaxDims) {
    throw_range(env, "ew_f32: between 1 and 8 dims");
    return nullptr;
  }
  tl::EwArgs g;
  g.op = (int)op;
  g.nd = (int)nd;
  int64_t off[3];
  for (int i = 0; i < 3; ++i)
    if (!int_at(1 + i, &off[i])) return nullptr;
  if (P.length < 6 + 4 * (size_t)nd) {
    throw_range(env, "ew_f32: params too short");
    return nullptr;
  }
  g.P[0] = p[4];
  g.P[1] = p[5];
  int64_t total = 1;
  for (int d = 0; d < nd; ++d) {
    if (!int_at(6 + d, &g.shape[d])) return nullptr;
    if (__builtin_mul_overflow(total, g.shape[d], &total) || total > (int64_t(1) << 53)) {
      throw_range(env, "ew_f32: too many elements");
      return nullptr;
    }
    for (int k = 0; k < 3; ++k)
      if (!int_at(6 + (1 + k) * nd + d, &g.st[k][d])) return nullptr;
  }
  const Array* arr[3] = {&O, &A, &B};
  static const char* const names[3] = {"out", "a", "b"};
  for (int k = 0; k < 1 + arity; ++k) {
    uintptr_t lo, hi;
    if (!check_span(env, fn, names[k], *arr[k], off[k], g.shape, g.st[k], (int)nd, sizeof(float), &lo, &hi))
      return nullptr;
  }
  if (total == 0) return nullptr;
  g.out = static_cast<float*>(O.data) + off[0];
  g.in[0] = static_cast<const float*>(A.data) + off[1];
  g.in[1] = arity == 2 ? static_cast<const float*>(B.data) + off[2] : g.in[0];
  tl::ew_f32(g);
  return nullptr;
}

// ew_u8(op, out, a, b, c, params): where / masked_fill / comparisons (pointwise.h's EwU8Op),
// operands float32 or uint8 by op (Float32Array / Uint8Array). params (Float64Array):
// [nd, offOut, offA, offB, offC, p, shape[nd], strideOut[nd], strideA[nd], strideB[nd],
// strideC[nd]]; c is ignored (may be null) for the two-input ops.
napi_value EwU8(napi_env env, napi_callback_info info) {
  const char* fn = "ew_u8";
  napi_value argv[6];
  if (!get_args(env, info, fn, 6, argv)) return nullptr;
  int64_t op;
  if (!get_int(env, argv[0], fn, "op", &op)) return nullptr;
  const int arity = op < tl::kEwU8OpCount ? tl::ew_u8_arity((int)op) : 0;
  if (arity == 0) {
    throw_range(env, "ew_u8: unknown op");
    return nullptr;
  }
  int isz[4];
  tl::ew_u8_itemsizes((int)op, isz);
  Array arr[4], P;
  static const char* const names[4] = {"out", "a", "b", "c"};
  for (int k = 0; k <= arity; ++k)
    if (!get_array(env, argv[1 + k], isz[k] == 4 ? napi_float32_array : napi_uint8_array, fn, names[k], &arr[k]))
      return nullptr;
  if (!get_array(env, argv[5], napi_float64_array, fn, "params", &P)) return nullptr;
  const double* p = static_cast<const double*>(P.data);
  auto int_at = [&](size_t i, int64_t* out) {
    if (i >= P.length) return throw_range(env, "ew_u8: params too short");
    const double d = p[i];
    if (!(d >= 0 && d <= kMaxSafe && d == std::floor(d)))
      return throw_range(env, "ew_u8: sizes, strides and offsets must be non-negative safe integers");
    *out = (int64_t)d;
    return true;
  };
  int64_t nd;
  if (!int_at(0, &nd)) return nullptr;
  if (nd < 1 || nd > tl::kEwMaxDims) {
    throw_range(env, "ew_u8: between 1 and 8 dims");
    return nullptr;
  }
  if (P.length < 6 + 5 * (size_t)nd) {
    throw_range(env, "ew_u8: params too short");
    return nullptr;
  }
  tl::EwU8Args g;
  g.op = (int)op;
  g.nd = (int)nd;
  g.P = p[5];
  int64_t off[4] = {0, 0, 0, 0};
  for (int k = 0; k <= arity; ++k)
    if (!int_at(1 + k, &off[k])) return nullptr;
  int64_t total = 1;
  for (int d = 0; d < nd; ++d) {
    if (!int_at(6 + d, &g.shape[d])) return nullptr;
    if (__builtin_mul_overflow(total, g.shape[d], &total) || total > (int64_t(1) << 53)) {
      throw_range(env, "ew_u8: too many elements");
      return nullptr;
    }
    for (int k = 0; k < 4; ++k) {
      g.st[k][d] = 0;
      if (k <= arity && !int_at(6 + (1 + k) * nd + d, &g.st[k][d])) return nullptr;
    }
  }
  for (int k = 0; k <= arity; ++k) {
    uintptr_t lo, hi;
    if (!check_span(env, fn, names[k], arr[k], off[k], g.shape, g.st[k], (int)nd, (size_t)isz[k], &lo, &hi))
      return nullptr;
  }
  // A written element reached twice would make the result depend on the loop order.
  for (int d = 0; d < nd; ++d)
    if (g.shape[d] > 1 && g.st[0][d] == 0) {
      throw_range(env, "ew_u8: out has a stride of 0");
      return nullptr;
    }
  if (total == 0) return nullptr;
  // The two-input ops' third operand: one zero byte, stride 0 (never used).
  static const float kZero[1] = {0};
  g.out = static_cast<char*>(arr[0].data) + off[0] * isz[0];
  for (int k = 0; k < 3; ++k)
    g.in[k] = k < arity ? static_cast<const void*>(static_cast<const char*>(arr[1 + k].data) + off[1 + k] * isz[1 + k])
                        : static_cast<const void*>(kZero);
  tl::ew_u8(g);
  return nullptr;
}

bool is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  return t == napi_null || t == napi_undefined;
}

// Byte range of [off, off + count) elements of a (empty when count == 0).
void byte_range(const Array& a, int64_t off, int64_t count, size_t itemsize, uintptr_t* lo, uintptr_t* hi) {
  *lo = reinterpret_cast<uintptr_t>(a.data) + (uintptr_t)off * itemsize;
  *hi = count > 0 ? *lo + (uintptr_t)count * itemsize : *lo;
}

// Reads params[i] as a non-negative safe integer (throws RangeError otherwise).
bool param_int(napi_env env, const char* fn, const Array& P, size_t i, int64_t* out) {
  if (i >= P.length) return throw_range(env, std::string(fn) + ": params too short");
  const double d = static_cast<const double*>(P.data)[i];
  if (!(d >= 0 && d <= kMaxSafe && d == std::floor(d)))
    return throw_range(env, std::string(fn) + ": sizes and offsets must be non-negative safe integers");
  *out = (int64_t)d;
  return true;
}

// [off, off + count) inside the array; count == 0 touches nothing.
bool check_range(napi_env env, const char* fn, const char* name, const Array& a, int64_t off,
                 int64_t count) {
  if (count == 0) return true;
  if (off < 0 || count < 0 || (uint64_t)off > a.length || (uint64_t)count > a.length - (uint64_t)off)
    return throw_range(env, std::string(fn) + ": " + name + " is too short for the sizes given");
  return true;
}

int64_t mul_or_neg(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) || r > (int64_t(1) << 53) ? -1 : r;
}

// Per-environment state (each worker thread that loads the addon has its own).
struct Instance {
  napi_ref flat_params_ref = nullptr;
  double* flat_params = nullptr;  // the registered Float64Array's elements (off-heap, never moved)
};

Instance* instance(napi_env env) {
  void* p = nullptr;
  napi_get_instance_data(env, &p);
  return static_cast<Instance*>(p);
}

// ew_flat_params(params: Float64Array of >= 8 elements): registers the array ew_flat_f32 reads
// its numbers from (kept alive by a reference), so that a call passes only its three arrays.
napi_value EwFlatParams(napi_env env, napi_callback_info info) {
  const char* fn = "ew_flat_params";
  napi_value argv[1];
  if (!get_args(env, info, fn, 1, argv)) return nullptr;
  Array P;
  if (!get_array(env, argv[0], napi_float64_array, fn, "params", &P)) return nullptr;
  if (P.length < 8) {
    throw_range(env, "ew_flat_params: params needs 8 elements");
    return nullptr;
  }
  Instance* inst = instance(env);
  if (inst == nullptr) return nullptr;
  if (inst->flat_params_ref != nullptr) napi_delete_reference(env, inst->flat_params_ref);
  inst->flat_params_ref = nullptr;
  inst->flat_params = nullptr;
  if (napi_create_reference(env, argv[0], 1, &inst->flat_params_ref) != napi_ok) return nullptr;
  inst->flat_params = static_cast<double*>(P.data);
  return nullptr;
}

// The prologue of the entries that read their numbers from the ew_flat_params array: argc
// arguments into argv, then params[first .. first + count) as non-negative safe integers into v.
// Returns the params array, or null with an exception pending.
const double* flat_entry(napi_env env, napi_callback_info info, const char* fn, size_t argc_want,
                         napi_value* argv, int first, int count, int64_t* v) {
  if (!get_args(env, info, fn, argc_want, argv)) return nullptr;
  Instance* inst = instance(env);
  if (inst == nullptr || inst->flat_params == nullptr) {
    throw_type(env, std::string(fn) + ": call ew_flat_params first");
    return nullptr;
  }
  const double* p = inst->flat_params;
  for (int i = 0; i < count; ++i) {
    const double d = p[first + i];
    if (!(d >= 0 && d <= kMaxSafe && d == std::floor(d))) {
      throw_range(env, std::string(fn) + ": op, sizes and offsets must be non-negative safe integers");
      return nullptr;
    }
    v[i] = (int64_t)d;
  }
  return p;
}

// ew_flat_f32(out, a, b | null): ew_f32 for the common case of contiguous operands of one
// shape, its numbers read from the array registered by ew_flat_params:
// [op, n, outOff, aOff, bOff, p0, p1]. Operands: Float32Arrays or ArrayBuffers (get_f32_operand).
// About 40% cheaper a call than ew_f32 for a tiny op.
napi_value EwFlatF32(napi_env env, napi_callback_info info) {
  const char* fn = "ew_flat_f32";
  napi_value argv[3];
  int64_t v[5];
  const double* p = flat_entry(env, info, fn, 3, argv, 0, 5, v);
  if (p == nullptr) return nullptr;
  const int64_t op = v[0], n = v[1];
  const int arity = op < tl::kEwOpCount ? tl::ew_arity((int)op) : 0;
  if (arity == 0) {
    throw_range(env, "ew_flat_f32: unknown op");
    return nullptr;
  }
  Array O, A, B;
  if (!get_f32_operand(env, argv[0], fn, "out", &O) || !get_f32_operand(env, argv[1], fn, "a", &A) ||
      (arity == 2 && !get_f32_operand(env, argv[2], fn, "b", &B)))
    return nullptr;
  if (!check_range(env, fn, "out", O, v[2], n) || !check_range(env, fn, "a", A, v[3], n) ||
      (arity == 2 && !check_range(env, fn, "b", B, v[4], n)))
    return nullptr;
  if (n == 0) return nullptr;
  tl::EwArgs g;
  g.op = (int)op;
  g.nd = 1;
  g.shape[0] = n;
  g.st[0][0] = g.st[1][0] = g.st[2][0] = 1;
  g.P[0] = p[5];
  g.P[1] = p[6];
  g.out = static_cast<float*>(O.data) + v[2];
  g.in[0] = static_cast<const float*>(A.data) + v[3];
  g.in[1] = arity == 2 ? static_cast<const float*>(B.data) + v[4] : g.in[0];
  tl::ew_f32(g);
  return nullptr;
}

// cast_flat_f32(out, a): out[outOff + i] = (float)a[aOff + i] for i < n, the numbers [_, n, outOff,
// aOff] read from the array registered by ew_flat_params (as ew_flat_f32). a: Float64Array
// (float64 and int64 storage), Int32Array, Int16Array, Int8Array or Uint8Array (uint8, bool).
// C's conversion to float rounds to nearest even, as Math.fround does: the TypeScript kernel's bits.
napi_value CastFlatF32(napi_env env, napi_callback_info info) {
  const char* fn = "cast_flat_f32";
  napi_value argv[2];
  int64_t v[3];
  if (flat_entry(env, info, fn, 2, argv, 1, 3, v) == nullptr) return nullptr;
  Array O;
  if (!get_array(env, argv[0], napi_float32_array, fn, "out", &O)) return nullptr;
  napi_typedarray_type type;
  Array A;
  if (napi_get_typedarray_info(env, argv[1], &type, &A.length, &A.data, nullptr, nullptr) != napi_ok) {
    throw_type(env, "cast_flat_f32: a must be a typed array");
    return nullptr;
  }
  if (A.data == nullptr) A.length = 0;
  if (type != napi_float64_array && type != napi_int32_array && type != napi_int16_array &&
      type != napi_int8_array && type != napi_uint8_array) {
    throw_type(env, "cast_flat_f32: a must be a Float64Array, Int32Array, Int16Array, Int8Array or Uint8Array");
    return nullptr;
  }
  const int64_t n = v[0];
  if (!check_range(env, fn, "out", O, v[1], n) || !check_range(env, fn, "a", A, v[2], n)) return nullptr;
  float* o = static_cast<float*>(O.data) + v[1];
  switch (type) {
    case napi_float64_array: {
      const double* a = static_cast<const double*>(A.data) + v[2];
      for (int64_t i = 0; i < n; ++i) o[i] = (float)a[i];
      break;
    }
    case napi_int32_array: {
      const int32_t* a = static_cast<const int32_t*>(A.data) + v[2];
      for (int64_t i = 0; i < n; ++i) o[i] = (float)a[i];
      break;
    }
    case napi_int16_array: {
      const int16_t* a = static_cast<const int16_t*>(A.data) + v[2];
      for (int64_t i = 0; i < n; ++i) o[i] = (float)a[i];
      break;
    }
    case napi_int8_array: {
      const int8_t* a = static_cast<const int8_t*>(A.data) + v[2];
      for (int64_t i = 0; i < n; ++i) o[i] = (float)a[i];
      break;
    }
    default: {
      const uint8_t* a = static_cast<const uint8_t*>(A.data) + v[2];
      for (int64_t i = 0; i < n; ++i) o[i] = (float)a[i];
      break;
    }
  }
  return nullptr;
}

// The arguments of an entry f(x, y, params) over two Float32Arrays: the arrays, and the first n
// params as integers. False with an exception pending.
// total > n: the params array must hold `total` numbers, the ones after the n integers read
// through *raw as they are.
bool xy_args(napi_env env, napi_callback_info info, const char* fn, Array* X, Array* Y, int64_t* v, int n,
             int total = 0, const double** raw = nullptr) {
  napi_value argv[3];
  Array P;
  if (!get_args(env, info, fn, 3, argv) || !get_array(env, argv[0], napi_float32_array, fn, "x", X) ||
      !get_array(env, argv[1], napi_float32_array, fn, "y", Y) ||
      !get_array(env, argv[2], napi_float64_array, fn, "params", &P))
    return false;
  for (int i = 0; i < n; ++i)
    if (!param_int(env, fn, P, i, &v[i])) return false;
  if (total > n) {
    if (P.length < (size_t)total) return throw_range(env, std::string(fn) + ": params too short");
    *raw = static_cast<const double*>(P.data);
  }
  return true;
}

// softmax_f32(x, y, [xOff, yOff, rows, n, log]): see pointwise.h. y may be x.
napi_value SoftmaxF32(napi_env env, napi_callback_info info) {
  const char* fn = "softmax_f32";
  Array X, Y;
  int64_t v[5];
  if (!xy_args(env, info, fn, &X, &Y, v, 5)) return nullptr;
  const int64_t total = mul_or_neg(v[2], v[3]);
  if (total < 0 || v[4] > 1) {
    throw_range(env, "softmax_f32: bad sizes");
    return nullptr;
  }
  if (!check_range(env, fn, "x", X, v[0], total) || !check_range(env, fn, "y", Y, v[1], total))
    return nullptr;
  if (total == 0) return nullptr;
  tl::softmax_fwd_f32(static_cast<const float*>(X.data) + v[0], static_cast<float*>(Y.data) + v[1], v[2], v[3],
                      v[4] == 1);
  return nullptr;
}

// act_lanes_f32(x, y, [op, xOff, yOff, n, p0, p1, p2]): pointwise.h's act_lanes_f32 (op 0 sigmoid,
// 1 silu, 2 gelu(tanh), 3 gelu(erf), 4 elu, 5 softplus, 6 mish, 7 log_sigmoid; p: the op's
// parameters as floats).
// Returns 0, or 1 (nothing done) when y's range overlaps x's other than exactly.
napi_value ActLanesF32(napi_env env, napi_callback_info info) {
  const char* fn = "act_lanes_f32";
  Array X, Y;
  int64_t v[4];
  const double* pv = nullptr;
  if (!xy_args(env, info, fn, &X, &Y, v, 4, 7, &pv)) return nullptr;
  if (v[0] >= tl::kActCount) {
    throw_range(env, "act_lanes_f32: bad op");
    return nullptr;
  }
  const float p[3] = {(float)pv[4], (float)pv[5], (float)pv[6]};
  if (!check_range(env, fn, "x", X, v[1], v[3]) || !check_range(env, fn, "y", Y, v[2], v[3])) return nullptr;
  const float* x = static_cast<const float*>(X.data) + v[1];
  float* y = static_cast<float*>(Y.data) + v[2];
  const uintptr_t xl = reinterpret_cast<uintptr_t>(x), yl = reinterpret_cast<uintptr_t>(y);
  const uintptr_t bytes = (uintptr_t)v[3] * sizeof(float);
  if (xl != yl && overlaps(xl, xl + bytes, yl, yl + bytes)) return make_int(env, 1);
  if (v[3] > 0) tl::act_lanes_f32((int)v[0], x, y, v[3], p);
  return make_int(env, 0);
}

// softmax_bwd_f32(g, y, gi, [gOff, yOff, giOff, rows, n, log]): see pointwise.h.
napi_value SoftmaxBwdF32(napi_env env, napi_callback_info info) {
  const char* fn = "softmax_bwd_f32";
  napi_value argv[4];
  if (!get_args(env, info, fn, 4, argv)) return nullptr;
  Array G, Y, R, P;
  if (!get_array(env, argv[0], napi_float32_array, fn, "g", &G) ||
      !get_array(env, argv[1], napi_float32_array, fn, "y", &Y) ||
      !get_array(env, argv[2], napi_float32_array, fn, "gi", &R) ||
      !get_array(env, argv[3], napi_float64_array, fn, "params", &P))
    return nullptr;
  int64_t v[6];
  for (int i = 0; i < 6; ++i)
    if (!param_int(env, fn, P, i, &v[i])) return nullptr;
  const int64_t total = mul_or_neg(v[3], v[4]);
  if (total < 0 || v[5] > 1) {
    throw_range(env, "softmax_bwd_f32: bad sizes");
    return nullptr;
  }
  if (!check_range(env, fn, "g", G, v[0], total) || !check_range(env, fn, "y", Y, v[1], total) ||
      !check_range(env, fn, "gi", R, v[2], total))
    return nullptr;
  if (total == 0) return nullptr;
  tl::softmax_bwd_f32(static_cast<const float*>(G.data) + v[0], static_cast<const float*>(Y.data) + v[1],
                      static_cast<float*>(R.data) + v[2], v[3], v[4], v[5] == 1);
  return nullptr;
}

// An optimizer step entry's arguments, checked.
struct StepCall {
  static constexpr int kMaxArrays = 5, kMaxFlags = 3;
  float* ptr[kMaxArrays];  // offsets applied; null for an absent last array
  int64_t n;
  int64_t flags[kMaxFlags];
  const double* params;
};

// The arguments of an optimizer step entry: Float32Arrays (one per name, the last of which may
// be null), then a Float64Array of at least np params that starts with the arrays' offsets, n,
// and one flag per flag_max entry (an integer up to it). True when the step is to run; else
// *ret is the entry's result: null with an exception pending, 1 when two of the ranges overlap,
// 0 when n is 0.
bool step_args(napi_env env, napi_callback_info info, const char* fn, std::initializer_list<const char*> names,
               size_t np, std::initializer_list<int64_t> flag_max, StepCall* s, napi_value* ret) {
  *ret = nullptr;
  const int k = (int)names.size();
  const char* const* name = names.begin();
  napi_value argv[StepCall::kMaxArrays + 1];
  if (!get_args(env, info, fn, k + 1, argv)) return false;
  napi_valuetype t_last;
  napi_typeof(env, argv[k - 1], &t_last);
  const bool last = !(t_last == napi_null || t_last == napi_undefined);
  Array A[StepCall::kMaxArrays], P;
  for (int i = 0; i < k; ++i)
    if ((i < k - 1 || last) && !get_array(env, argv[i], napi_float32_array, fn, name[i], &A[i])) return false;
  if (!get_array(env, argv[k], napi_float64_array, fn, "params", &P)) return false;
  if (P.length < np) return throw_range(env, std::string(fn) + ": params must hold " + std::to_string(np) + " numbers");
  int64_t off[StepCall::kMaxArrays];
  for (int i = 0; i < k; ++i)
    if (!param_int(env, fn, P, i, &off[i])) return false;
  if (!param_int(env, fn, P, k, &s->n)) return false;
  int f = 0;
  for (const int64_t mx : flag_max) {
    if (!param_int(env, fn, P, k + 1 + f, &s->flags[f])) return false;
    if (s->flags[f++] > mx) return throw_range(env, std::string(fn) + ": bad flags");
  }
  uintptr_t lo[StepCall::kMaxArrays] = {0}, hi[StepCall::kMaxArrays] = {0};
  for (int i = 0; i < k; ++i) {
    s->ptr[i] = nullptr;
    if (i == k - 1 && !last) continue;
    if (!check_range(env, fn, name[i], A[i], off[i], s->n)) return false;
    s->ptr[i] = static_cast<float*>(A[i].data) + off[i];
    lo[i] = reinterpret_cast<uintptr_t>(s->ptr[i]);
    hi[i] = lo[i] + (uintptr_t)s->n * sizeof(float);
  }
  for (int i = 0; i < k; ++i)
    for (int j = i + 1; j < k; ++j)
      if (overlaps(lo[i], hi[i], lo[j], hi[j])) {
        *ret = make_int(env, 1);
        return false;
      }
  s->params = static_cast<const double*>(P.data);
  if (s->n > 0) return true;
  *ret = make_int(env, 0);
  return false;
}

// adam_f32(p, g, m, v, vmax | null, params): one Adam/AdamW step (pointwise.h's AdamArgs).
// params: [pOff, gOff, mOff, vOff, vmaxOff, n, maximize, wd_mode, decay, wd, beta1,
//          one_minus_beta1, beta2, one_minus_beta2, bc2_sqrt, eps, neg_step].
// Returns 0, or 1 (nothing done) when two of the arrays' ranges overlap.
napi_value AdamF32(napi_env env, napi_callback_info info) {
  StepCall s;
  napi_value ret;
  if (!step_args(env, info, "adam_f32", {"p", "g", "m", "v", "vmax"}, 17, {1, 2}, &s, &ret)) return ret;
  const double* p = s.params;
  tl::AdamArgs a;
  a.p = s.ptr[0];
  a.g = s.ptr[1];
  a.m = s.ptr[2];
  a.v = s.ptr[3];
  a.vmax = s.ptr[4];
  a.n = s.n;
  a.maximize = s.flags[0] == 1;
  a.wd_mode = (int)s.flags[1];
  a.decay = (float)p[8];
  a.wd = (float)p[9];
  a.beta1 = (float)p[10];
  a.one_minus_beta1 = (float)p[11];
  a.beta2 = (float)p[12];
  a.one_minus_beta2 = (float)p[13];
  a.bc2_sqrt = (float)p[14];
  a.eps = (float)p[15];
  a.neg_step = (float)p[16];
  tl::adam_f32(a);
  return make_int(env, 0);
}

// sgd_f32(p, g, buf | null, params): one SGD step (pointwise.h's SgdArgs).
// params: [pOff, gOff, bufOff, n, maximize, use_wd, nesterov, wd, momentum, 1 - dampening, -lr].
// Returns 0, or 1 (nothing done) when two of the arrays' ranges overlap.
napi_value SgdF32(napi_env env, napi_callback_info info) {
  StepCall s;
  napi_value ret;
  if (!step_args(env, info, "sgd_f32", {"p", "g", "buf"}, 11, {1, 1, 1}, &s, &ret)) return ret;
  tl::SgdArgs a;
  a.p = s.ptr[0];
  a.g = s.ptr[1];
  a.buf = s.ptr[2];
  a.n = s.n;
  a.maximize = s.flags[0] == 1;
  a.use_wd = s.flags[1] == 1;
  a.nesterov = s.flags[2] == 1;
  a.wd = (float)s.params[7];
  a.momentum = (float)s.params[8];
  a.damp = (float)s.params[9];
  a.neg_lr = (float)s.params[10];
  tl::sgd_f32(a);
  return make_int(env, 0);
}

// layer_norm_f32(x, y, w | null, b | null, mean, rstd, [xOff, yOff, M, N, eps]): see pointwise.h.
// x, y: Float32Array (M*N from their offsets); w, b: Float32Array (N) or null; mean, rstd:
// Float64Array (M). Returns 0, or 1 (nothing done) when a written range overlaps another range.
napi_value LayerNormF32(napi_env env, napi_callback_info info) {
  const char* fn = "layer_norm_f32";
  napi_value argv[7];
  if (!get_args(env, info, fn, 7, argv)) return nullptr;
  const bool hasW = !is_nullish(env, argv[2]), hasB = !is_nullish(env, argv[3]);
  Array X, Y, W, B, Mu, Rs, P;
  if (!get_array(env, argv[0], napi_float32_array, fn, "x", &X) ||
      !get_array(env, argv[1], napi_float32_array, fn, "y", &Y) ||
      (hasW && !get_array(env, argv[2], napi_float32_array, fn, "w", &W)) ||
      (hasB && !get_array(env, argv[3], napi_float32_array, fn, "b", &B)) ||
      !get_array(env, argv[4], napi_float64_array, fn, "mean", &Mu) ||
      !get_array(env, argv[5], napi_float64_array, fn, "rstd", &Rs) ||
      !get_array(env, argv[6], napi_float64_array, fn, "params", &P))
    return nullptr;
  if (P.length < 5) {
    throw_range(env, "layer_norm_f32: params must hold 5 numbers");
    return nullptr;
  }
  int64_t v[4];
  for (int i = 0; i < 4; ++i)
    if (!param_int(env, fn, P, i, &v[i])) return nullptr;
  const int64_t M = v[2], N = v[3], total = mul_or_neg(M, N);
  if (total < 0) {
    throw_range(env, "layer_norm_f32: bad sizes");
    return nullptr;
  }
  if (!check_range(env, fn, "x", X, v[0], total) || !check_range(env, fn, "y", Y, v[1], total) ||
      (hasW && !check_range(env, fn, "w", W, 0, N)) || (hasB && !check_range(env, fn, "b", B, 0, N)) ||
      !check_range(env, fn, "mean", Mu, 0, M) || !check_range(env, fn, "rstd", Rs, 0, M))
    return nullptr;
  // ranges: 0 y, 1 mean, 2 rstd (written), 3 x, 4 w, 5 b (read; empty when absent)
  uintptr_t lo[6], hi[6];
  byte_range(Y, v[1], total, 4, &lo[0], &hi[0]);
  byte_range(Mu, 0, M, 8, &lo[1], &hi[1]);
  byte_range(Rs, 0, M, 8, &lo[2], &hi[2]);
  byte_range(X, v[0], total, 4, &lo[3], &hi[3]);
  byte_range(W, 0, hasW ? N : 0, 4, &lo[4], &hi[4]);
  byte_range(B, 0, hasB ? N : 0, 4, &lo[5], &hi[5]);
  for (int i = 0; i < 3; ++i)
    for (int j = i + 1; j < 6; ++j)
      if (overlaps(lo[i], hi[i], lo[j], hi[j])) return make_int(env, 1);
  if (M > 0)
    tl::layer_norm_fwd_f32(static_cast<const float*>(X.data) + v[0], static_cast<float*>(Y.data) + v[1], M, N,
                           (float)static_cast<const double*>(P.data)[4],
                           hasW ? static_cast<const float*>(W.data) : nullptr,
                           hasB ? static_cast<const float*>(B.data) : nullptr, static_cast<double*>(Mu.data),
                           static_cast<double*>(Rs.data));
  return make_int(env, 0);
}

// layer_norm_bwd_f32(g, x, r | null, w | null, mean, rstd, gw | null, gb | null, [gOff, xOff, rOff,
// M, N]): see pointwise.h. g, x, r: Float32Array (M*N); w: Float32Array (N) or null; gw, gb:
// Float64Array (N); mean, rstd: Float64Array (M). Returns 0, or 1 (nothing done) when a written
// range overlaps another.
napi_value LayerNormBwdF32(napi_env env, napi_callback_info info) {
  const char* fn = "layer_norm_bwd_f32";
  napi_value argv[9];
  if (!get_args(env, info, fn, 9, argv)) return nullptr;
  const bool hasR = !is_nullish(env, argv[2]), hasGamma = !is_nullish(env, argv[3]);
  const bool hasW = !is_nullish(env, argv[6]), hasB = !is_nullish(env, argv[7]);
  Array G, X, R, W, Mu, Rs, GW, GB, P;
  if (!get_array(env, argv[0], napi_float32_array, fn, "g", &G) ||
      !get_array(env, argv[1], napi_float32_array, fn, "x", &X) ||
      (hasR && !get_array(env, argv[2], napi_float32_array, fn, "r", &R)) ||
      (hasGamma && !get_array(env, argv[3], napi_float32_array, fn, "w", &W)) ||
      !get_array(env, argv[4], napi_float64_array, fn, "mean", &Mu) ||
      !get_array(env, argv[5], napi_float64_array, fn, "rstd", &Rs) ||
      (hasW && !get_array(env, argv[6], napi_float64_array, fn, "gw", &GW)) ||
      (hasB && !get_array(env, argv[7], napi_float64_array, fn, "gb", &GB)) ||
      !get_array(env, argv[8], napi_float64_array, fn, "params", &P))
    return nullptr;
  int64_t v[5];
  for (int i = 0; i < 5; ++i)
    if (!param_int(env, fn, P, i, &v[i])) return nullptr;
  const int64_t M = v[3], N = v[4], total = mul_or_neg(M, N);
  if (total < 0) {
    throw_range(env, "layer_norm_bwd_f32: bad sizes");
    return nullptr;
  }
  if (!check_range(env, fn, "g", G, v[0], total) || !check_range(env, fn, "x", X, v[1], total) ||
      (hasR && !check_range(env, fn, "r", R, v[2], total)) || (hasGamma && !check_range(env, fn, "w", W, 0, N)) ||
      !check_range(env, fn, "mean", Mu, 0, M) || !check_range(env, fn, "rstd", Rs, 0, M) ||
      (hasW && !check_range(env, fn, "gw", GW, 0, N)) || (hasB && !check_range(env, fn, "gb", GB, 0, N)))
    return nullptr;
  // ranges: 0 r, 1 gw, 2 gb (written; empty when absent), 3 g, 4 x, 5 w, 6 mean, 7 rstd (read)
  uintptr_t lo[8], hi[8];
  byte_range(R, v[2], hasR ? total : 0, 4, &lo[0], &hi[0]);
  byte_range(GW, 0, hasW ? N : 0, 8, &lo[1], &hi[1]);
  byte_range(GB, 0, hasB ? N : 0, 8, &lo[2], &hi[2]);
  byte_range(G, v[0], total, 4, &lo[3], &hi[3]);
  byte_range(X, v[1], total, 4, &lo[4], &hi[4]);
  byte_range(W, 0, hasGamma ? N : 0, 4, &lo[5], &hi[5]);
  byte_range(Mu, 0, M, 8, &lo[6], &hi[6]);
  byte_range(Rs, 0, M, 8, &lo[7], &hi[7]);
  for (int i = 0; i < 3; ++i)
    for (int j = i + 1; j < 8; ++j)
      if (overlaps(lo[i], hi[i], lo[j], hi[j])) return make_int(env, 1);
  if (M > 0)
    tl::layer_norm_bwd_f32(static_cast<const float*>(G.data) + v[0], static_cast<const float*>(X.data) + v[1],
                           hasR ? static_cast<float*>(R.data) + v[2] : nullptr, M, N,
                           hasGamma ? static_cast<const float*>(W.data) : nullptr, static_cast<const double*>(Mu.data),
                           static_cast<const double*>(Rs.data), hasW ? static_cast<double*>(GW.data) : nullptr,
                           hasB ? static_cast<double*>(GB.data) : nullptr);
  return make_int(env, 0);
}

// Indices arrive as int64 tensors' storage (Float64Array) or int32 (Int32Array).
struct Index {
  Array arr;
  bool f64 = false;
  int64_t at(int64_t i) const {
    return f64 ? (int64_t) static_cast<const double*>(arr.data)[i]
               : (int64_t) static_cast<const int32_t*>(arr.data)[i];
  }
};

bool get_index(napi_env env, napi_value v, const char* fn, Index* out) {
  bool is_ta = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, v, &type, &out->arr.length, &out->arr.data, nullptr, nullptr) != napi_ok ||
      (type != napi_float64_array && type != napi_int32_array))
    return throw_type(env, std::string(fn) + ": indices must be a Float64Array (int64) or an Int32Array");
  if (out->arr.data == nullptr) out->arr.length = 0;
  out->f64 = type == napi_float64_array;
  return true;
}

// Every index integral and in [0, V): else returns false (the caller reports code 2).
bool indices_ok(const Index& ix, int64_t off, int64_t n, int64_t V) {
  for (int64_t i = 0; i < n; ++i) {
    if (ix.f64) {
      const double d = static_cast<const double*>(ix.arr.data)[off + i];
      if (!(d >= 0 && d < (double)V && d == std::floor(d))) return false;
    } else {
      const int32_t k = static_cast<const int32_t*>(ix.arr.data)[off + i];
      if (k < 0 || k >= V) return false;
    }
  }
  return true;
}

// gather_rows_f32(w, idx, out, [wOff, V, D, idxOff, n, outOff]): out[i, :] = w[idx[i], :]
// for contiguous rows of D. Returns 0, or 2 (nothing done) when an index is not in [0, V).
napi_value GatherRowsF32(napi_env env, napi_callback_info info) {
  const char* fn = "gather_rows_f32";
  napi_value argv[4];
  if (!get_args(env, info, fn, 4, argv)) return nullptr;
  Array W, O, P;
  Index I;
  if (!get_array(env, argv[0], napi_float32_array, fn, "weight", &W) || !get_index(env, argv[1], fn, &I) ||
      !get_array(env, argv[2], napi_float32_array, fn, "out", &O) ||
      !get_array(env, argv[3], napi_float64_array, fn, "params", &P))
    return nullptr;
  int64_t v[6];
  for (int i = 0; i < 6; ++i)
    if (!param_int(env, fn, P, i, &v[i])) return nullptr;
  const int64_t V = v[1], Dm = v[2], n = v[4];
  const int64_t wn = mul_or_neg(V, Dm), on = mul_or_neg(n, Dm);
  if (wn < 0 || on < 0) {
    throw_range(env, "gather_rows_f32: bad sizes");
    return nullptr;
  }
  if (!check_range(env, fn, "weight", W, v[0], wn) || !check_range(env, fn, "indices", I.arr, v[3], n) ||
      !check_range(env, fn, "out", O, v[5], on))
    return nullptr;
  if (!indices_ok(I, v[3], n, V)) return make_int(env, 2);
  const float* w = static_cast<const float*>(W.data) + v[0];
  float* o = static_cast<float*>(O.data) + v[5];
  for (int64_t i = 0; i < n; ++i) std::memmove(o + i * Dm, w + I.at(v[3] + i) * Dm, (size_t)Dm * sizeof(float));
  return make_int(env, 0);
}

// scatter_add_rows_f32(g, idx, out, [gOff, idxOff, n, D, outOff, V, padIdx + 1, scaleByFreq]):
// out[idx[i], :] += g[i, :] * (scaleByFreq ? 1 / count(idx[i]) : 1) in index order, each sum in
// double rounded once to float32 (as the TypeScript embedding backward's `+=`); rows with
// idx == padIdx skipped (padIdx + 1 = 0: none). Returns 0, or 2 when an index is not in [0, V).
napi_value ScatterAddRowsF32(napi_env env, napi_callback_info info) {
  const char* fn = "scatter_add_rows_f32";
  napi_value argv[4];
  if (!get_args(env, info, fn, 4, argv)) return nullptr;
  Array G, O, P;
  Index I;
  if (!get_array(env, argv[0], napi_float32_array, fn, "grad", &G) || !get_index(env, argv[1], fn, &I) ||
      !get_array(env, argv[2], napi_float32_array, fn, "out", &O) ||
      !get_array(env, argv[3], napi_float64_array, fn, "params", &P))
    return nullptr;
  int64_t v[8];
  for (int i = 0; i < 8; ++i)
    if (!param_int(env, fn, P, i, &v[i])) return nullptr;
  const int64_t n = v[2], Dm = v[3], V = v[5], pad = v[6] - 1;
  const int64_t gn = mul_or_neg(n, Dm), on = mul_or_neg(V, Dm);
  if (gn < 0 || on < 0 || v[7] > 1) {
    throw_range(env, "scatter_add_rows_f32: bad sizes");
    return nullptr;
  }
  if (!check_range(env, fn, "grad", G, v[0], gn) || !check_range(env, fn, "indices", I.arr, v[1], n) ||
      !check_range(env, fn, "out", O, v[4], on))
    return nullptr;
  if (!indices_ok(I, v[1], n, V)) return make_int(env, 2);
  const float* g = static_cast<const float*>(G.data) + v[0];
  float* o = static_cast<float*>(O.data) + v[4];
  std::vector<double> counts;
  if (v[7]) {
    counts.assign((size_t)V, 0.0);
    for (int64_t i = 0; i < n; ++i) counts[(size_t)I.at(v[1] + i)] += 1;
  }
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = I.at(v[1] + i);
    if (r == pad) continue;
    float* dst = o + r * Dm;
    const float* src = g + i * Dm;
    if (v[7]) {
      const double s = 1 / counts[(size_t)r];
      for (int64_t j = 0; j < Dm; ++j) dst[j] = (float)((double)dst[j] + (double)src[j] * s);
    } else {
      for (int64_t j = 0; j < Dm; ++j) dst[j] = (float)((double)dst[j] + (double)src[j]);
    }
  }
  return make_int(env, 0);
}


// The typed array of float32 (float) or float64 (double) elements. The reduction entries below
// are registered as their float and double instances, named <entry>_f32 and <entry>_f64.
template <typename T>
constexpr napi_typedarray_type typed_array() {
  return sizeof(T) == 4 ? napi_float32_array : napi_float64_array;
}

// The strided input of a reduction entry, split into kept and reduced dims.
struct ReduceDims {
  int nd = 0;
  int64_t shape[tl::kSumMaxDims], strides[tl::kSumMaxDims];
  bool reduced[tl::kSumMaxDims];
  int64_t numel = 1, outN = 1;
  uintptr_t xlo = 0, xhi = 0;  // bytes of x read
};

// Reads nd dims from params[at...] as shape[nd], strides[nd], reduced[nd] (0 or 1), and checks
// that they stay inside x's array from xOff. False with a RangeError pending.
bool read_reduce_dims(napi_env env, const char* fn, const Array& X, size_t itemsize, int64_t xOff, int64_t nd,
                      const Array& P, size_t at, ReduceDims* r) {
  if (nd > tl::kSumMaxDims) return throw_range(env, std::string(fn) + ": too many dims");
  r->nd = (int)nd;
  for (int64_t d = 0; d < nd; ++d) {
    int64_t red;
    if (!param_int(env, fn, P, at + d, &r->shape[d]) || !param_int(env, fn, P, at + nd + d, &r->strides[d]) ||
        !param_int(env, fn, P, at + 2 * nd + d, &red))
      return false;
    if (red > 1) return throw_range(env, std::string(fn) + ": reduced flags must be 0 or 1");
    r->reduced[d] = red == 1;
    r->numel = mul_or_neg(r->numel, r->shape[d]);
    if (!r->reduced[d]) r->outN = mul_or_neg(r->outN, r->shape[d]);
    if (r->numel < 0 || r->outN < 0) return throw_range(env, std::string(fn) + ": too many elements");
  }
  return check_span(env, fn, "x", X, xOff, r->shape, r->strides, (int)nd, itemsize, &r->xlo, &r->xhi);
}

// The common arguments of a reduction entry taking `nargs` arguments: x (the first, of T's typed
// array), params (the last): its first kHead numbers non-negative safe integers (the last of them
// a flag, 0 or 1), nd = head[ndAt], and the dims from params[dimsAt...]. False with an exception
// pending.
constexpr int kHead = 5;
template <typename T>
bool reduce_args(napi_env env, napi_callback_info info, const char* fn, size_t nargs, napi_value* argv, Array* X,
                 Array* P, int64_t* head, int ndAt, size_t dimsAt, ReduceDims* r) {
  if (!get_args(env, info, fn, nargs, argv) || !get_array(env, argv[0], typed_array<T>(), fn, "x", X) ||
      !get_array(env, argv[nargs - 1], napi_float64_array, fn, "params", P))
    return false;
  for (int i = 0; i < kHead; ++i)
    if (!param_int(env, fn, *P, i, &head[i])) return false;
  if (head[kHead - 1] > 1) return throw_range(env, std::string(fn) + ": flags must be 0 or 1");
  return read_reduce_dims(env, fn, *X, sizeof(T), head[0], head[ndAt], *P, dimsAt, r);
}

// sum_f32(x, out, params) / sum_f64: PyTorch-order sums (reduce.h). params: [xOff, outOff,
// nd, threads, skipNaN, shape[nd], strides[nd], reduced[nd]]. Returns 0, or 1 (nothing done)
// when out's range overlaps x's.
template <typename T>
napi_value sum_entry(napi_env env, napi_callback_info info) {
  const char* fn = sizeof(T) == 4 ? "sum_f32" : "sum_f64";
  napi_value argv[3];
  Array X, O, P;
  int64_t head[kHead];
  ReduceDims r;
  if (!reduce_args<T>(env, info, fn, 3, argv, &X, &P, head, 2, kHead, &r) ||
      !get_array(env, argv[1], typed_array<T>(), fn, "out", &O) || !check_range(env, fn, "out", O, head[1], r.outN))
    return nullptr;
  if (head[3] < 1 || head[3] > 1024) {
    throw_range(env, std::string(fn) + ": bad threads");
    return nullptr;
  }
  uintptr_t olo, ohi;
  byte_range(O, head[1], r.outN, sizeof(T), &olo, &ohi);
  if (overlaps(r.xlo, r.xhi, olo, ohi)) return make_int(env, 1);
  if (r.outN == 0) return make_int(env, 0);
  // With no elements the input pointer is never read.
  const T* x = r.numel ? static_cast<const T*>(X.data) + head[0] : nullptr;
  tl::sum_into<T>(x, r.shape, r.strides, r.reduced, r.nd, static_cast<T*>(O.data) + head[1], (int)head[3], head[4] == 1);
  return make_int(env, 0);
}

// The arguments of a reduction entry with two outputs, (x, a, b, params): a of x's type, b of
// type tb (nullable: null or undefined is none), r.outN elements each from head[1] and head[2];
// nd = head[3], the dims from params[dimsAt...]. clash: a written range overlaps x's or the
// other's.
struct StatArgs {
  napi_value argv[4];
  Array X, A, B, P;
  int64_t head[kHead];
  ReduceDims r;
  bool clash = false;
};

// False with an exception pending.
template <typename T>
bool stat_args(napi_env env, napi_callback_info info, const char* fn, size_t dimsAt, const char* na, const char* nb,
               napi_typedarray_type tb, bool nullable, StatArgs* s) {
  if (!reduce_args<T>(env, info, fn, 4, s->argv, &s->X, &s->P, s->head, 3, dimsAt, &s->r)) return false;
  uintptr_t lo[2] = {0, 0}, hi[2] = {0, 0};
  const char* names[2] = {na, nb};
  const napi_typedarray_type types[2] = {typed_array<T>(), tb};
  Array* arrs[2] = {&s->A, &s->B};
  for (int k = 0; k < 2; ++k) {
    if (nullable && is_nullish(env, s->argv[1 + k])) continue;
    if (!get_array(env, s->argv[1 + k], types[k], fn, names[k], arrs[k]) ||
        !check_range(env, fn, names[k], *arrs[k], s->head[1 + k], s->r.outN))
      return false;
    byte_range(*arrs[k], s->head[1 + k], s->r.outN, types[k] == napi_float32_array ? 4 : 8, &lo[k], &hi[k]);
  }
  s->clash = overlaps(s->r.xlo, s->r.xhi, lo[0], hi[0]) || overlaps(s->r.xlo, s->r.xhi, lo[1], hi[1]) ||
             overlaps(lo[0], hi[0], lo[1], hi[1]);
  return true;
}

// extreme_f32(x, values, indices, params) / extreme_f64: max or min over the reduced dims and
// its index (reduce_stats.h); values (x's type) and indices (Float64Array) may be null.
// params: [xOff, valuesOff, indicesOff, nd, isMax, shape[nd], strides[nd], reduced[nd]].
// Returns 0, or 1 (nothing done) when a written range overlaps x or the other.
template <typename T>
napi_value extreme_entry(napi_env env, napi_callback_info info) {
  const char* fn = sizeof(T) == 4 ? "extreme_f32" : "extreme_f64";
  StatArgs a;
  if (!stat_args<T>(env, info, fn, kHead, "values", "indices", napi_float64_array, true, &a)) return nullptr;
  if (a.clash) return make_int(env, 1);
  if (a.r.outN == 0) return make_int(env, 0);
  if (a.r.numel == 0) {
    throw_range(env, std::string(fn) + ": nothing to reduce");
    return nullptr;
  }
  const tl::StatLayout L = tl::stat_layout(a.r.shape, a.r.strides, a.r.reduced, a.r.nd);
  tl::extreme_into(static_cast<const T*>(a.X.data) + a.head[0], L, a.head[4] == 1,
                   a.A.data ? static_cast<T*>(a.A.data) + a.head[1] : nullptr,
                   a.B.data ? static_cast<double*>(a.B.data) + a.head[2] : nullptr);
  return make_int(env, 0);
}

// var_f32(x, var, mean, params) / var_f64: Welford per output (reduce_stats.h). params: [xOff,
// varOff, meanOff, nd, takeSqrt, correction, shape[nd], strides[nd], reduced[nd]]. Returns 0,
// or 1 (nothing done) when a written range overlaps x or the other.
template <typename T>
napi_value var_entry(napi_env env, napi_callback_info info) {
  const char* fn = sizeof(T) == 4 ? "var_f32" : "var_f64";
  StatArgs a;
  if (!stat_args<T>(env, info, fn, kHead + 1, "var", "mean", typed_array<T>(), false, &a)) return nullptr;
  if (a.P.length <= kHead) {
    throw_range(env, std::string(fn) + ": params too short");
    return nullptr;
  }
  const double correction = static_cast<const double*>(a.P.data)[kHead];
  if (a.clash) return make_int(env, 1);
  if (a.r.outN == 0) return make_int(env, 0);
  const tl::StatLayout L = tl::stat_layout(a.r.shape, a.r.strides, a.r.reduced, a.r.nd);
  // With nothing reduced the input pointer is never read (both outputs become NaN).
  const T* x = a.r.numel ? static_cast<const T*>(a.X.data) + a.head[0] : nullptr;
  tl::welford_into(x, L, correction, a.head[4] == 1, static_cast<T*>(a.A.data) + a.head[1],
                   static_cast<T*>(a.B.data) + a.head[2]);
  return make_int(env, 0);
}



// rng_fill(op, out, state, params): one of PyTorch's CPU sampling loops (random.h) over the
// caller's mt19937 state (a Uint32Array of 624 words). params (Float64Array):
//   [0] left, [1] next (engine counters; written back), [2] store (random.h Store), then
//   op 0 uniform:     [3] from, [4] to, [5] fused
//   op 1 normal:      [3] mean, [4] std, [5] fused, [6] contiguous, [7] has cached sample,
//                     [8] cached sample ([7], [8] written back)
//   op 2 exponential: [3] k = -1/lambda
//   op 3 bernoulli:   [3] p, [4] value where uniform53 < p
//   op 4 random:      [3] mode (random.h RandomMode), [4..5] lo, [6..7] range (uint64s as
//                     high and low 32-bit words)
// Returns 0, or 1 (nothing drawn) for a case the loops do not cover: an engine state whose
// counters would read past the 624 words (the TypeScript engine then does what it does), or
// float32 normal_ blocks without FMA (the DEFAULT capability's glibc logf/sinf/cosf kernel).
constexpr int kRngOps = 5;
constexpr size_t kRngParams[kRngOps] = {6, 9, 4, 5, 8};

bool param_word(napi_env env, const char* fn, const Array& P, size_t i, uint64_t* out) {
  const double d = static_cast<const double*>(P.data)[i];
  if (!(d >= 0 && d <= 4294967295.0 && d == std::floor(d)))
    return throw_range(env, std::string(fn) + ": params[" + std::to_string(i) + "] must be a 32-bit word");
  *out = (uint64_t)d;
  return true;
}

bool param_flag(napi_env env, const char* fn, const Array& P, size_t i, bool* out) {
  const double d = static_cast<const double*>(P.data)[i];
  if (d != 0 && d != 1) return throw_range(env, std::string(fn) + ": params[" + std::to_string(i) + "] must be 0 or 1");
  *out = d == 1;
  return true;
}

napi_value RngFill(napi_env env, napi_callback_info info) {
  const char* fn = "rng_fill";
  napi_value argv[4];
  if (!get_args(env, info, fn, 4, argv)) return nullptr;
  int32_t op = -1;
  if (napi_get_value_int32(env, argv[0], &op) != napi_ok || op < 0 || op >= kRngOps) {
    throw_range(env, "rng_fill: op must be 0 (uniform), 1 (normal), 2 (exponential), 3 (bernoulli) or 4 (random)");
    return nullptr;
  }
  napi_typedarray_type ot;
  Array O, S, P;
  if (napi_get_typedarray_info(env, argv[1], &ot, &O.length, &O.data, nullptr, nullptr) != napi_ok) {
    napi_value exc;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &exc);
    throw_type(env, "rng_fill: out must be a typed array");
    return nullptr;
  }
  if (O.data == nullptr) O.length = 0;
  if (!get_array(env, argv[2], napi_uint32_array, fn, "state", &S) ||
      !get_array(env, argv[3], napi_float64_array, fn, "params", &P))
    return nullptr;
  if (S.length != (size_t)tl::rng::kMtN) {
    throw_range(env, "rng_fill: state must hold 624 words");
    return nullptr;
  }
  if (P.length < kRngParams[op]) {
    throw_range(env, "rng_fill: params too short");
    return nullptr;
  }
  double* p = static_cast<double*>(P.data);
  int64_t left, next, store;
  if (!param_int(env, fn, P, 0, &left) || !param_int(env, fn, P, 1, &next) || !param_int(env, fn, P, 2, &store))
    return nullptr;
  static const napi_typedarray_type kStoreType[8] = {
      napi_float32_array, napi_float64_array, napi_float64_array, napi_int32_array,
      napi_int16_array,   napi_int8_array,    napi_uint8_array,   napi_uint8_array};
  if (store > 7 || kStoreType[store] != ot) {
    throw_type(env, "rng_fill: out's element type does not match params[2]");
    return nullptr;
  }
  const bool is_float = store == tl::rng::kF32 || store == tl::rng::kF64;
  if (op <= 2 && !is_float) {
    throw_type(env, "rng_fill: uniform, normal and exponential fill Float32Array or Float64Array");
    return nullptr;
  }
  if (left < 1 || left > tl::rng::kMtN || next > tl::rng::kMtN) {
    throw_range(env, "rng_fill: engine counters out of range");
    return nullptr;
  }
  // Both written while out is: keep them apart (the state words feed every draw).
  {
    const size_t isz = store == tl::rng::kF32 || store == tl::rng::kI32 ? 4 : store == tl::rng::kI16 ? 2
                       : store >= tl::rng::kI8 ? 1 : 8;
    uintptr_t olo, ohi, slo, shi, plo, phi;
    byte_range(O, 0, (int64_t)O.length, isz, &olo, &ohi);
    byte_range(S, 0, (int64_t)S.length, 4, &slo, &shi);
    byte_range(P, 0, (int64_t)P.length, 8, &plo, &phi);
    if (overlaps(olo, ohi, slo, shi) || overlaps(olo, ohi, plo, phi) || overlaps(slo, shi, plo, phi)) {
      throw_range(env, "rng_fill: out, state and params must not overlap");
      return nullptr;
    }
  }
  if (next + left - 1 > tl::rng::kMtN) return make_int(env, 1);
  const int64_t n = (int64_t)O.length;
  const tl::rng::Kernels& k = tl::rng::kernels();
  tl::rng::Engine e{static_cast<uint32_t*>(S.data), (int32_t)left, (int32_t)next};
  const bool f32 = store == tl::rng::kF32;
  switch (op) {
    case 0: {
      bool fused;
      if (!param_flag(env, fn, P, 5, &fused)) return nullptr;
      if (n == 0) break;
      if (f32) k.uniform_f32(e, static_cast<float*>(O.data), n, p[3], p[4], fused);
      else k.uniform_f64(e, static_cast<double*>(O.data), n, p[3], p[4], fused);
      break;
    }
    case 1: {
      bool fused, contiguous, has;
      if (!param_flag(env, fn, P, 5, &fused) || !param_flag(env, fn, P, 6, &contiguous) ||
          !param_flag(env, fn, P, 7, &has))
        return nullptr;
      double cached = p[8];
      if (n >= 16 && contiguous) {
        if (f32 && !fused) return make_int(env, 1);
        if (f32) k.normal16_f32(e, static_cast<float*>(O.data), n, p[3], p[4]);
        else k.normal16_f64(e, static_cast<double*>(O.data), n, p[3], p[4], fused);
      } else {
        k.normal_scalar(e, O.data, f32, n, p[3], p[4], fused, &has, &cached);
        p[7] = has ? 1 : 0;
        p[8] = cached;
      }
      break;
    }
    case 2:
      if (n > 0) k.exponential(e, O.data, f32, n, p[3]);
      break;
    case 3:
      if (n > 0) k.bernoulli(e, O.data, (tl::rng::Store)store, n, p[3], p[4]);
      break;
    default: {
      int64_t mode;
      uint64_t w[4];
      if (!param_int(env, fn, P, 3, &mode)) return nullptr;
      for (int i = 0; i < 4; ++i)
        if (!param_word(env, fn, P, 4 + i, &w[i])) return nullptr;
      if (mode > tl::rng::kRandDefault) {
        throw_range(env, "rng_fill: random mode must be 0..3");
        return nullptr;
      }
      const uint64_t lo = w[0] << 32 | w[1], range = w[2] << 32 | w[3];
      if (range == 0 && (mode == tl::rng::kRand32 || mode == tl::rng::kRand64)) {
        throw_range(env, "rng_fill: range must not be 0");
        return nullptr;
      }
      if (n > 0) k.random(e, O.data, (tl::rng::Store)store, n, (tl::rng::RandomMode)mode, lo, range);
      break;
    }
  }
  p[0] = e.left;
  p[1] = e.next;
  return make_int(env, 0);
}

// The test entry rng_libm_f64: (op, x, y) with op in [0, max_op] and x, y
// Float64Arrays of one length; fn(op, x[i]) -> y[i] over blocks of up to 8 elements.
template <typename F>
napi_value f64_test_entry(napi_env env, napi_callback_info info, const char* fn, int32_t max_op, F apply) {
  napi_value argv[3];
  if (!get_args(env, info, fn, 3, argv)) return nullptr;
  int32_t op = -1;
  if (napi_get_value_int32(env, argv[0], &op) != napi_ok || op < 0 || op > max_op) {
    throw_range(env, std::string(fn) + ": op must be 0.." + std::to_string(max_op));
    return nullptr;
  }
  Array X, Y;
  if (!get_array(env, argv[1], napi_float64_array, fn, "x", &X) ||
      !get_array(env, argv[2], napi_float64_array, fn, "y", &Y))
    return nullptr;
  if (X.length != Y.length) {
    throw_range(env, std::string(fn) + ": x and y differ in length");
    return nullptr;
  }
  const double* x = static_cast<const double*>(X.data);
  double* y = static_cast<double*>(Y.data);
  for (size_t i = 0; i < X.length; i += 8) apply(op, x + i, y + i, X.length - i < 8 ? X.length - i : 8);
  return nullptr;
}

// rng_libm_f64(op, x, y): y[i] = log (op 0), sin (1) or cos (2) of x[i] with random_impl.inc's
// glibc 2.36 ports (generic build), or (ops 3, 4, 5) with this process's C library, for the
// tests' comparison of the ports with src/random/libm.ts and with glibc.
napi_value RngLibmF64(napi_env env, napi_callback_info info) {
  return f64_test_entry(env, info, "rng_libm_f64", 5, [](int32_t op, const double* x, double* y, size_t m) {
    for (size_t j = 0; j < m; ++j) {
      const double v = x[j];
      switch (op) {
        case 0: y[j] = tl::rng::glibc_log(v); break;
        case 1: y[j] = tl::rng::glibc_sin(v); break;
        case 2: y[j] = tl::rng::glibc_cos(v); break;
        case 3: y[j] = std::log(v); break;
        case 4: y[j] = std::sin(v); break;
        default: y[j] = std::cos(v); break;
      }
    }
  });
}

// Whether tl::tune_malloc's settings are in force (applied once, when the addon first loads).
const bool g_malloc_tuned = tl::tune_malloc();

napi_value MallocTuned(napi_env env, napi_callback_info) {
  napi_value r;
  napi_get_boolean(env, g_malloc_tuned, &r);
  return r;
}

}  // namespace

NAPI_MODULE_INIT() {
  const napi_property_descriptor props[] = {
      {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"dgemm", nullptr, Dgemm, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sgemm_p", nullptr, SgemmP, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"dgemm_p", nullptr, DgemmP, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"set_num_threads", nullptr, SetNumThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"get_num_threads", nullptr, GetNumThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"default_num_threads", nullptr, DefaultNumThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"malloc_tuned", nullptr, MallocTuned, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"isa", nullptr, Isa, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"set_isa", nullptr, SetIsa, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"isa_supported", nullptr, IsaSupported, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"blocking", nullptr, GetBlocking, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"set_blocking", nullptr, SetBlocking, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"set_thresholds", nullptr, SetThresholds, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"ew_f32", nullptr, EwF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"ew_flat_f32", nullptr, EwFlatF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"ew_flat_params", nullptr, EwFlatParams, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"cast_flat_f32", nullptr, CastFlatF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"ew_u8", nullptr, EwU8, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"layer_norm_f32", nullptr, LayerNormF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"layer_norm_bwd_f32", nullptr, LayerNormBwdF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"softmax_f32", nullptr, SoftmaxF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"softmax_bwd_f32", nullptr, SoftmaxBwdF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"adam_f32", nullptr, AdamF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sgd_f32", nullptr, SgdF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"gather_rows_f32", nullptr, GatherRowsF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"scatter_add_rows_f32", nullptr, ScatterAddRowsF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"act_lanes_f32", nullptr, ActLanesF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sum_f32", nullptr, sum_entry<float>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sum_f64", nullptr, sum_entry<double>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"extreme_f32", nullptr, extreme_entry<float>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"extreme_f64", nullptr, extreme_entry<double>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"var_f32", nullptr, var_entry<float>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"var_f64", nullptr, var_entry<double>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"rng_fill", nullptr, RngFill, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"rng_libm_f64", nullptr, RngLibmF64, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_instance_data(
      env, new Instance(),
      [](napi_env env, void* data, void*) {
        Instance* inst = static_cast<Instance*>(data);
        if (inst->flat_params_ref != nullptr) napi_delete_reference(env, inst->flat_params_ref);
        delete inst;
      },
      nullptr);
  return exports;
}
