// Picking a kernel's variant for a vector level. Private to this target.
#ifndef CQLORAKERNELS_VARIANT_H
#define CQLORAKERNELS_VARIANT_H

#include "VectorLevel.h"

/// The variant of kernel `name` for `level`: `name##_avx2` where the level asks for it and the
/// build has one (x86-64), else `name##_baseline`.
#if defined(__x86_64__)
#define VARIANT(name, level) ((level) == qlora_vector_avx2 ? name##_avx2 : name##_baseline)
#else
#define VARIANT(name, level) ((void)(level), name##_baseline)
#endif

/// Defines `name##_baseline` and, on x86-64, `name##_avx2`: the inline function `name` compiled
/// for each level. `parameters` is the parenthesised parameter list, `arguments` the names in it.
#if defined(__x86_64__)
#define DEFINE_VARIANTS(name, parameters, arguments)                          \
    static void name##_baseline parameters { name arguments; }                \
    __attribute__((target("avx2"))) static void name##_avx2 parameters { name arguments; }
#else
#define DEFINE_VARIANTS(name, parameters, arguments) static void name##_baseline parameters { name arguments; }
#endif

#endif
