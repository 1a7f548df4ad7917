#include "VectorLevel.h"

qlora_vector_level qlora_vector_level_detected(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    // Checks the CPU flag and that the OS saves the 256-bit registers.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return qlora_vector_avx2;
#endif
    return qlora_vector_baseline;
}
