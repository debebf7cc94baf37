// Element-wise ops with uint8 (bool) operands or results: where, masked_fill and the float32
// comparisons (pointwise.h's EwU8Op). They select, copy or compare float32 values and never
// round, so one portable loop serves every instruction set; the contiguous loops are left to
// GCC's vectorizer (baseline SSE2), which turns the selects into mask blends.
#include <cstdint>

#include "parallel.h"
#include "pointwise.h"

namespace tl {
namespace {

// One op: operand types (C is a placeholder for the two-input ops, read from a zero byte) and
// the expression of src/backend/js_elementwise.ts's EXPRS.
template <int OP>
struct U8Op;
template <>
struct U8Op<kWhere> {
  using O = float;
  using A = uint8_t;
  using B = float;
  using C = float;
  static inline float f(uint8_t a, float b, float c, float) { return a != 0 ? b : c; }
};
template <>
struct U8Op<kMaskedFill> {
  using O = float;
  using A = float;
  using B = uint8_t;
  using C = uint8_t;
  static inline float f(float a, uint8_t b, uint8_t, float p) { return b != 0 ? p : a; }
};
template <int OP>
struct Cmp {
  using O = uint8_t;
  using A = float;
  using B = float;
  using C = uint8_t;
  static inline uint8_t f(float a, float b, uint8_t, float) {
    switch (OP) {
      case kEq: return a == b;
      case kNe: return a != b;
      case kLt: return a < b;
      case kLe: return a <= b;
      case kGt: return a > b;
      default: return a >= b;
    }
  }
};
template <> struct U8Op<kEq> : Cmp<kEq> {};
template <> struct U8Op<kNe> : Cmp<kNe> {};
template <> struct U8Op<kLt> : Cmp<kLt> {};
template <> struct U8Op<kLe> : Cmp<kLe> {};
template <> struct U8Op<kGt> : Cmp<kGt> {};
template <> struct U8Op<kGe> : Cmp<kGe> {};

// Unit-stride output; each input either unit-stride (V* = true) or one broadcast element.
template <class Op, bool VA, bool VB, bool VC>
void inner_vec(int64_t n, typename Op::O* o, const typename Op::A* a, const typename Op::B* b,
               const typename Op::C* c, float p) {
  for (int64_t j = 0; j < n; ++j) o[j] = Op::f(a[VA ? j : 0], b[VB ? j : 0], c[VC ? j : 0], p);
}

template <class Op>
void inner_strided(int64_t n, typename Op::O* o, int64_t so, const typename Op::A* a, int64_t sa,
                   const typename Op::B* b, int64_t sb, const typename Op::C* c, int64_t sc, float p) {
  for (int64_t j = 0; j < n; ++j) o[j * so] = Op::f(a[j * sa], b[j * sb], c[j * sc], p);
}

template <int OP>
void run(const EwU8Args& g) {
  using Op = U8Op<OP>;
  using O = typename Op::O;
  using A = typename Op::A;
  using B = typename Op::B;
  using C = typename Op::C;
  const int nd = g.nd;
  const int64_t n = g.shape[nd - 1];
  const int64_t so = g.st[0][nd - 1], sa = g.st[1][nd - 1], sb = g.st[2][nd - 1], sc = g.st[3][nd - 1];
  const bool vec = so == 1 && (sa == 0 || sa == 1) && (sb == 0 || sb == 1) && (sc == 0 || sc == 1);
  const int pattern = (sa == 1) | (sb == 1) << 1 | (sc == 1) << 2;
  const float p = (float)g.P;
  int64_t outer = 1;
  for (int d = 0; d < nd - 1; ++d) outer *= g.shape[d];
  int64_t idx[kEwMaxDims] = {0};
  O* po = static_cast<O*>(g.out);
  const A* pa = static_cast<const A*>(g.in[0]);
  const B* pb = static_cast<const B*>(g.in[1]);
  const C* pc = static_cast<const C*>(g.in[2]);
  for (int64_t o = 0; o < outer; ++o) {
    if (vec) {
      switch (pattern) {
        case 0: inner_vec<Op, false, false, false>(n, po, pa, pb, pc, p); break;
        case 1: inner_vec<Op, true, false, false>(n, po, pa, pb, pc, p); break;
        case 2: inner_vec<Op, false, true, false>(n, po, pa, pb, pc, p); break;
        case 3: inner_vec<Op, true, true, false>(n, po, pa, pb, pc, p); break;
        case 4: inner_vec<Op, false, false, true>(n, po, pa, pb, pc, p); break;
        case 5: inner_vec<Op, true, false, true>(n, po, pa, pb, pc, p); break;
        case 6: inner_vec<Op, false, true, true>(n, po, pa, pb, pc, p); break;
        default: inner_vec<Op, true, true, true>(n, po, pa, pb, pc, p); break;
      }
    } else {
      inner_strided<Op>(n, po, so, pa, sa, pb, sb, pc, sc, p);
    }
    for (int d = nd - 2; d >= 0; --d) {
      po += g.st[0][d];
      pa += g.st[1][d];
      pb += g.st[2][d];
      pc += g.st[3][d];
      if (++idx[d] < g.shape[d]) break;
      idx[d] = 0;
      po -= g.st[0][d] * g.shape[d];
      pa -= g.st[1][d] * g.shape[d];
      pb -= g.st[2][d] * g.shape[d];
      pc -= g.st[3][d] * g.shape[d];
    }
  }
}

using U8Fn = void (*)(const EwU8Args&);
const U8Fn kU8Tab[kEwU8OpCount] = {run<kWhere>, run<kMaskedFill>, run<kEq>, run<kNe>,
                                   run<kLt>,    run<kLe>,         run<kGt>, run<kGe>};

}  // namespace

int ew_u8_arity(int op) {
  if (op < 0 || op >= kEwU8OpCount) return 0;
  return op == kWhere ? 3 : 2;
}

void ew_u8_itemsizes(int op, int sizes[4]) {
  switch (op) {
    case kWhere: sizes[0] = 4, sizes[1] = 1, sizes[2] = 4, sizes[3] = 4; return;
    case kMaskedFill: sizes[0] = 4, sizes[1] = 4, sizes[2] = 1, sizes[3] = 0; return;
    default: sizes[0] = 1, sizes[1] = 4, sizes[2] = 4, sizes[3] = 0; return;
  }
}

void ew_u8(const EwU8Args& a) {
  if (a.op < 0 || a.op >= kEwU8OpCount || a.nd < 1 || a.nd > kEwMaxDims) return;
  int64_t total = 1;
  for (int d = 0; d < a.nd; ++d) {
    if (a.shape[d] <= 0) return;
    total *= a.shape[d];
  }
  if (total < kEwParallelMin) {
    kU8Tab[a.op](a);
    return;
  }
  // large calls by blocks of the outermost dim over the threads (each element on its own)
  int sizes[4];
  ew_u8_itemsizes(a.op, sizes);
  const int64_t per_row = total / a.shape[0];
  parallel_for(a.shape[0], (kRowsGrainElems + per_row - 1) / per_row, [&](int64_t r0, int64_t r1) {
    EwU8Args c = a;
    c.shape[0] = r1 - r0;
    c.out = static_cast<char*>(a.out) + r0 * a.st[0][0] * sizes[0];
    for (int k = 0; k < 3; ++k) c.in[k] = static_cast<const char*>(a.in[k]) + r0 * a.st[k + 1][0] * sizes[k + 1];
    kU8Tab[a.op](c);
  });
}

}  // namespace tl
