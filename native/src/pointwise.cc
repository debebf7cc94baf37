#include "pointwise.h"

#include <cstring>

namespace tl {

namespace {
EwFn g_ew = kEwGeneric;
}

int ew_arity(int op) {
  if (op < 0 || op >= kEwOpCount) return 0;
  return op >= kAdd ? 2 : 1;
}

void ew_use_isa(const char* name) {
#if defined(__x86_64__) || defined(__i386__)
  if (std::strcmp(name, "avx512") == 0) { g_ew = kEwAvx512; return; }
  if (std::strcmp(name, "avx2") == 0) { g_ew = kEwAvx2; return; }
#endif
  g_ew = kEwGeneric;
}

void ew_f32(const EwArgs& a) {
  for (int d = 0; d < a.nd; ++d)
    if (a.shape[d] <= 0) return;
  g_ew(a);
}

}  // namespace tl
