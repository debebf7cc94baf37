// The per-instruction-set part of GEMM: packing routines and the macro-kernel (the two
// innermost loops around the register-blocked micro-kernel). gemm.cc does the cache blocking,
// threading and dispatch; each gemm_<isa>.cc instantiates gemm_impl.inc for its vector type.
#pragma once
#include <cstdint>

namespace tl {

template <typename T>
struct IsaOps {
  const char* name;
  int MR, NR;          // micro-tile: MR rows of A (broadcast) x NR columns of B (vector loads)
  int MC, KC, NC;      // default cache blocking for this kernel
  // Packs an m x k block of A (element (i,p) at A[i*rs + p*cs]) into ceil(m/MR) panels of
  // k x MR (panel stride k*MR), rows split as gemm_impl.inc's Panels says (the last two may
  // be shorter than MR). Rows past a panel's height are left unwritten: the micro-kernel
  // for a short panel only reads the rows that exist.
  void (*pack_a)(const T* A, int64_t rs, int64_t cs, int64_t m, int64_t k, T* dst);
  // Packs a k x n block of B into ceil(n/NR) panels of k x NR (panel stride k*NR),
  // zero-filling the columns past n.
  void (*pack_b)(const T* B, int64_t rs, int64_t cs, int64_t k, int64_t n, T* dst);
  // C[m x n] (+)= A[m x k] * B[k x n] where A is either packed (aPacked: panel i at
  // A + i*aPanel, element (r,p) at r + p*MR) or raw (element (r,p) at r*rsA + p*csA) and
  // B's column stride is 1 (panel j at B + j*bPanel, row p at p*rsB). A raw B (!bPacked)
  // is read with masked loads past column n, so nothing outside the operand is touched.
  // exact: see kern's EX in gemm_impl.inc (sequential sums, no FMA).
  void (*macro)(int64_t m, int64_t n, int64_t k, const T* A, int64_t rsA, int64_t csA,
                int64_t aPanel, bool aPacked, const T* B, int64_t rsB, int64_t bPanel,
                bool bPacked, T* C, int64_t ldc, bool acc, bool exact);
};

extern const IsaOps<float> kAvx512F32, kAvx2F32, kGenericF32;
extern const IsaOps<double> kAvx512F64, kAvx2F64, kGenericF64;

}  // namespace tl
