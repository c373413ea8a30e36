{
  "targets": [
    {
      "target_name": "dlvr_blas",
      "sources": [
        "src/blas_addon.c",
        "src/args.c",
        "src/elementwise.c",
        "src/fused.c",
        "src/exp.c",
        "src/gather.c",
        "src/memory.c"
      ],
      "defines": [
        "NAPI_VERSION=8"
      ],
      "include_dirs": [
        "/usr/include/openblas"
      ],
      "cflags": [
        "-std=c11",
        "-O3",
        "-ffp-contract=off",
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter"
      ],
      "libraries": [
        "-lopenblas"
      ]
    }
  ]
}
