/*
 * fuzz_html.c - libFuzzer target: the input is the body of an HTML-only
 * mail (no charset label, so its <meta> counts), converted like any mail.
 */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/conversion.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - one HTML body behind a fixed header */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char header[] =
	    "From: Service Desk <desk@example.com>\r\n"
	    "Subject: Pickup\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/html\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n";

	conversion_run_body(header, (const char *)data, size);
	return 0;
}
