// glibc malloc settings for a process that allocates and frees many tensor buffers.
//
// V8 frees typed arrays' memory (Node's ArrayBuffer allocator: malloc/free) at its collections,
// a few MB at a time. With glibc's defaults the freed top of the heap goes back to the kernel
// at once (M_TRIM_THRESHOLD starts at 128 KB) and the next allocations fault it back in, page
// by page: a tiny op ([32, 27] add, 3.4 KB of output) spent ~0.2 µs of its ~0.7 in the kernel
// (0.03-0.09 page faults per call, each ~2-7 µs on this VM). Keeping up to TRIM bytes of free
// memory at the top and growing the heap TOP_PAD at a time removes that (0.74 -> 0.52 µs; the
// char-GPT and MLP steps unchanged). Setting any of these turns off glibc's dynamic mmap
// threshold, which would otherwise rise to the largest freed buffer (up to 32 MB); it is set
// to that ceiling here so that large tensors keep coming from the heap, as they did.
//
// Process-wide, so it stays out of the way of anyone who chose otherwise: skipped when any
// MALLOC_* variable or GLIBC_TUNABLES is set, or TORCHLETTE_MALLOPT=0. Other C libraries: nothing to do.
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tl {

namespace {
constexpr int kMmapThreshold = 32 << 20;  // glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
constexpr int kTrimThreshold = 64 << 20;
constexpr int kTopPad = 16 << 20;
}  // namespace

// True when the settings were applied.
bool tune_malloc() {
#if defined(__GLIBC__)
  const char* opt = std::getenv("TORCHLETTE_MALLOPT");
  if (opt != nullptr && std::strcmp(opt, "0") == 0) return false;
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return false;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, "MALLOC_", 7) == 0) return false;
  return mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1 &&
         mallopt(M_TOP_PAD, kTopPad) == 1;
#else
  return false;
#endif
}

}  // namespace tl
