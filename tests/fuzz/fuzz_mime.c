/*
 * fuzz_mime.c - libFuzzer target for the untrusted-mail path: a raw message
 * through the whole conversion (conversion.c), every allocation released.
 */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/conversion.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - one message under settings its length picks */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	conversion_run((const char *)data, size, conversion_selector(size));
	return 0;
}
