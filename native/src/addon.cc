// Node-API bindings. Every entry point re-checks its arguments (types, integrality, signs,
// bounds of every index reachable through the strides) even though src/backend/native.ts
// validates first: a direct call with bad arguments must throw, never touch memory outside
// the arrays it was given.
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "gemm.h"
#include "pointwise.h"

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
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta)
    return throw_type(env, std::string(fn) + ": " + name + " must be a typed array");
  napi_typedarray_type type;
  // Not asking for the ArrayBuffer object saves creating a handle for it on every call.
  if (napi_get_typedarray_info(env, v, &type, &out->length, &out->data, nullptr, nullptr) !=
      napi_ok)
    return throw_type(env, std::string(fn) + ": cannot read " + name);
  if (type != want) {
    const char* w = want == napi_float32_array ? "Float32Array" : "Float64Array";
    return throw_type(env, std::string(fn) + ": " + name + " must be a " + w);
  }
  if (out->data == nullptr) out->length = 0;  // detached buffer
  return true;
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
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc < 4) {
    throw_type(env, std::string(fn) + ": expected 4 arguments");
    return nullptr;
  }
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

// set_thresholds(rawMaxFma, parallelMinFma) -> previous [rawMaxFma, parallelMinFma].
// rawMaxFma = -1 packs every operand. For tests and tuning.
napi_value SetThresholds(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int64_t prev[2];
  tl::get_thresholds(&prev[0], &prev[1]);
  if (argc >= 2) {
    double d[2];
    for (int i = 0; i < 2; ++i) {
      if (napi_get_value_double(env, argv[i], &d[i]) != napi_ok || !std::isfinite(d[i]) ||
          d[i] != std::floor(d[i]) || d[i] < -1 || d[i] > kMaxSafe) {
        throw_type(env, "set_thresholds: expected two integers >= -1");
        return nullptr;
      }
    }
    tl::set_thresholds((int64_t)d[0], (int64_t)d[1]);
  }
  napi_value arr;
  napi_create_array_with_length(env, 2, &arr);
  for (uint32_t i = 0; i < 2; ++i) napi_set_element(env, arr, i, make_int(env, prev[i]));
  return arr;
}

// ew_f32(op, out, a, b, params): out = op(a[, b]) over float32 strided views.
// params (Float64Array): [nd, offOut, offA, offB, p0, p1, shape[nd], strideOut[nd],
// strideA[nd], strideB[nd]]; b is ignored (may be null) for unary ops.
napi_value EwF32(napi_env env, napi_callback_info info) {
  const char* fn = "ew_f32";
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc < 5) {
    throw_type(env, "ew_f32: expected 5 arguments");
    return nullptr;
  }
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
      {"isa", nullptr, Isa, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"set_isa", nullptr, SetIsa, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"isa_supported", nullptr, IsaSupported, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"blocking", nullptr, GetBlocking, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"set_blocking", nullptr, SetBlocking, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"set_thresholds", nullptr, SetThresholds, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"ew_f32", nullptr, EwF32, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
