// The engine's few hot loops in C, each compiled twice (baseline and AVX2) and picked at run time.
//
// Swift builds for the baseline instruction set of its target, SSE2 on x86-64, and has no way to
// compile one function for a wider one. These kernels do. Every variant performs the same float
// operations in the same order and never fuses a multiply with an add, so a result is the same bit
// for bit whichever variant runs, on any machine.
#ifndef CQLORAKERNELS_H
#define CQLORAKERNELS_H

#include "VectorLevel.h"
#include "MatrixKernel.h"
#include "FourBitCodes.h"
#include "ByteCodes.h"

#endif
