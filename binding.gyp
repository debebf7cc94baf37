{
  "targets": [
    {
      "target_name": "torchlette_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/gemm.cc",
        "native/src/gemm_avx512.cc",
        "native/src/gemm_avx2.cc",
        "native/src/gemm_generic.cc",
        "native/src/pointwise.cc",
        "native/src/pointwise_avx512.cc",
        "native/src/pointwise_avx2.cc",
        "native/src/pointwise_generic.cc",
        "native/src/pointwise_u8.cc",
        "native/src/reduce.cc",
        "native/src/reduce_stats.cc",
        "native/src/random.cc",
        "native/src/random_avx2.cc",
        "native/src/random_generic.cc",
        "native/src/threadpool.cc",
        "native/src/malloc_tuning.cc"
      ],
      "defines": ["NAPI_VERSION=8"],
      # -ffp-contract=off: the exact GEMM mode multiplies, then adds, and must stay that way
      # (GCC would otherwise fuse the two into an FMA). No -march: kernels pick their
      # instruction set at run time (native/README.md).
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags": ["-O3", "-fexceptions", "-pthread", "-ffp-contract=off"],
      "cflags_cc": ["-O3", "-fexceptions", "-pthread", "-ffp-contract=off"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CFLAGS": ["-ffp-contract=off"]
      }
    }
  ]
}
