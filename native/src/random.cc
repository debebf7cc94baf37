// Picks the RNG kernel set that matches the GEMM's instruction-set choice (AVX-512 machines
// use the AVX2+FMA set: the loops gain nothing from wider registers that the FMA set lacks).
#include "random.h"

#include <cstring>

#include "gemm.h"

namespace tl {
namespace rng {

const Kernels& kernels() {
#if defined(__x86_64__) || defined(__i386__)
  const char* isa = isa_name();
  if (std::strcmp(isa, "avx512") == 0 || std::strcmp(isa, "avx2") == 0) return kRngAvx2;
#endif
  return kRngGeneric;
}

}  // namespace rng
}  // namespace tl
