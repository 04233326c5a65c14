/*
 * fuzz_tnef.c - libFuzzer target: the input is an Outlook winmail.dat, the
 * only part of a mail, converted like any mail (TNEF, RTF, its HTML).
 */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/conversion.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - one TNEF stream behind a fixed header */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* binary: the stream reaches tnef_body() byte for byte */
	static const char header[] =
	    "From: Clerk <clerk@example.com>\r\n"
	    "Subject: Pickup\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
	    "Content-Transfer-Encoding: binary\r\n"
	    "\r\n";

	conversion_run_body(header, (const char *)data, size);
	return 0;
}
