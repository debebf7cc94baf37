#pragma once

namespace tl {
// glibc malloc settings that keep freed tensor memory mapped (malloc_tuning.cc); true when applied
bool tune_malloc();
}  // namespace tl
