// The engine's few hot loops in C, each compiled twice (baseline and AVX2) and picked at run time.
//
// Swift builds for the baseline instruction set of its target, SSE2 on x86-64, and has no way to
// compile one function for a wider one. These kernels do. Every variant gives the same result bit
// for bit, on any machine: the same float arithmetic in the same order, never a fused
// multiply-add, and searches built only from exact comparisons.
#ifndef CQLORAKERNELS_H
#define CQLORAKERNELS_H

#include "VectorLevel.h"
#include "MatrixKernel.h"
#include "PanelPacking.h"
#include "FourBitCodes.h"
#include "ByteCodes.h"
#include "WorkCounter.h"
#include "AdamStep.h"
#include "LlamaRowKernels.h"
#include "WorkerPool.h"

#endif
