// One Adam step over a tensor: the formula of AdamStep.h, eight parameters at a time.

#include "AdamStep.h"
#include "Variant.h"
#include "VectorTypes.h"

#include <math.h>
#include <string.h>

#pragma clang fp contract(off)

/// The step for one parameter or eight: `Value` is float or float8, and the operations are the
/// same in either, in the same order, so a parameter gets the same bits in a vector or alone.
#define ADAM_STEP(Value, square_root, p, g, m, v, k)                                   \
    do {                                                                               \
        p = p * (k).decay_factor;                                                      \
        Value decayed_gradient = g + (k).coupled_decay * p;                            \
        m = m + (1 - (k).beta1) * (decayed_gradient - m);                              \
        v = (k).beta2 * v + (1 - (k).beta2) * decayed_gradient * decayed_gradient;     \
        Value denominator = square_root(v) / (k).correction2_root + (k).epsilon;      \
        p = p - (k).step_size * (m / denominator);                                     \
    } while (0)

ALWAYS_INLINE void adam_step(
    float *parameters, const float *gradient, float *m, float *v, ptrdiff_t count, qlora_adam_coefficients k)
{
    ptrdiff_t index = 0;
    for (; index + 8 <= count; index += 8) {
        float8 p, g, first, second;
        memcpy(&p, parameters + index, sizeof p);
        memcpy(&g, gradient + index, sizeof g);
        memcpy(&first, m + index, sizeof first);
        memcpy(&second, v + index, sizeof second);
        ADAM_STEP(float8, __builtin_elementwise_sqrt, p, g, first, second, k);
        memcpy(parameters + index, &p, sizeof p);
        memcpy(m + index, &first, sizeof first);
        memcpy(v + index, &second, sizeof second);
    }
    for (; index < count; index++) {
        ADAM_STEP(float, sqrtf, parameters[index], gradient[index], m[index], v[index], k);
    }
}

DEFINE_VARIANTS(adam_step,
    (float *parameters, const float *gradient, float *m, float *v, ptrdiff_t count, qlora_adam_coefficients k),
    (parameters, gradient, m, v, count, k))

void qlora_adam_step(
    qlora_vector_level level, float *parameters, const float *gradient, float *m, float *v, ptrdiff_t count,
    qlora_adam_coefficients coefficients)
{
    VARIANT(adam_step, level)(parameters, gradient, m, v, count, coefficients);
}
