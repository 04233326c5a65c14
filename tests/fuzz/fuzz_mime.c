/*
 * fuzz_mime.c - libFuzzer target for the untrusted-mail path: raw message
 * through mime_extract() and text_compose(), every allocation released.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conf/conf.h"
#include "sms/convert/mime.h"
#include "sms/convert/text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * LLVMFuzzerTestOneInput - one message; the first byte also picks the
 * subject mode and signature stripping so every path of text.c is reached.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum subject_mode modes[] = {
		SUBJECT_PREPEND, SUBJECT_IGNORE, SUBJECT_ONLY
	};
	struct conf		conf;
	struct mime_text	mt;
	struct sms_text		st;
	unsigned		sel = size > 0 ? data[0] : 0;

	memset(&conf, 0, sizeof(conf));
	conf.message.subject = modes[sel % 3];
	conf.message.strip_signature = (sel & 0x4) == 0;
	conf.message.max_parts = 3;

	if (mime_extract((const char *)data, size, &mt) == -1)
		return 0;
	if (text_compose(&mt, &conf, &st) == 0)
		text_free(&st);
	mime_text_free(&mt);
	return 0;
}
