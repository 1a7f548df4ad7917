#ifndef LIBFUZZER_H
#define LIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry for a program that has its own `main`: parses libFuzzer's flags from
/// `argc`/`argv` and calls `callback` with each input until the run ends.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
