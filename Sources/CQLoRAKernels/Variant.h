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

#endif
