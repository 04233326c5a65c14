/*
 * test_sasl_codec.c - strict SASL base64 both ways and RFC 4616 PLAIN
 * messages, at their limits and with every malformation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd/smtp/sasl_codec.h"

static void
test_base64_decode(void **state)
{
	static const struct {
		const char	*in;
		int		 rc;
		const char	*out;
		size_t		 outlen;
	} cases[] = {
		{ "", 0, "", 0 },
		{ "=", 0, "", 0 },
		{ "AA==", 0, "\0", 1 },
		{ "QQ==", 0, "A", 1 },
		{ "QUI=", 0, "AB", 2 },
		{ "QUJD", 0, "ABC", 3 },
		{ "AGFsaWNlAHNlY3JldA==", 0, "\0alice\0secret", 13 },
		{ "VXNlcm5hbWU6", 0, "Username:", 9 },
		{ "+/+/", 0, "\xfb\xff\xbf", 3 },
		{ "QR==", -1, NULL, 0 },	/* bits under the padding */
		{ "QUJ=", -1, NULL, 0 },
		{ "QUI", -1, NULL, 0 },
		{ "QU=I", -1, NULL, 0 },
		{ "Q===", -1, NULL, 0 },
		{ "====", -1, NULL, 0 },
		{ "==", -1, NULL, 0 },
		{ "=QUJ", -1, NULL, 0 },
		{ "QUJD====", -1, NULL, 0 },
		{ "QQ==QUJD", -1, NULL, 0 },
		{ "QUJD\r\n", -1, NULL, 0 },
		{ "QU JD", -1, NULL, 0 },
		{ " QUJD", -1, NULL, 0 },
		{ "QU-D", -1, NULL, 0 },	/* base64url is not base64 */
		{ "QU_D", -1, NULL, 0 },
		{ "*", -1, NULL, 0 },
		{ "QUJ\x80", -1, NULL, 0 },
	};
	char	 out[64];
	size_t	 i, outlen;
	int	 rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		outlen = 999;
		rc = sasl_base64_decode(cases[i].in, strlen(cases[i].in), out,
		    sizeof(out), &outlen);
		if (rc != cases[i].rc)
			fail_msg("case %zu \"%s\": rc %d", i, cases[i].in, rc);
		if (rc == 0) {
			assert_int_equal(outlen, cases[i].outlen);
			assert_memory_equal(out, cases[i].out, outlen);
			assert_int_equal(out[outlen], '\0');
		}
	}
	/* the length given counts, not a NUL: "QUJD" out of "QUJDxx" */
	assert_int_equal(sasl_base64_decode("QUJDxx", 4, out, sizeof(out),
	    &outlen), 0);
	assert_string_equal(out, "ABC");
	/* room for the decoded octets and the NUL, no more */
	assert_int_equal(sasl_base64_decode("QUJD", 4, out, 3, &outlen), -1);
	assert_int_equal(sasl_base64_decode("QUJD", 4, out, 4, &outlen), 0);
	assert_int_equal(sasl_base64_decode("QUI=", 4, out, 3, &outlen), 0);
	assert_int_equal(sasl_base64_decode("", 0, out, 0, &outlen), -1);
	assert_int_equal(sasl_base64_decode("=", 1, out, 1, &outlen), 0);
}

static void
test_base64_encode(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
	} cases[] = {
		{ "", 0, "" },
		{ "A", 1, "QQ==" },
		{ "AB", 2, "QUI=" },
		{ "ABC", 3, "QUJD" },
		{ "\0", 1, "AA==" },
		{ "Username:", 9, "VXNlcm5hbWU6" },
		{ "Password:", 9, "UGFzc3dvcmQ6" },
		{ "\xfb\xff\xbf", 3, "+/+/" },
	};
	unsigned char	 in[64];
	char		 enc[128], dec[sizeof(in) + 1];
	size_t		 i, len, declen;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sasl_base64_encode(cases[i].in, cases[i].len,
		    enc, sizeof(enc)), 0);
		assert_string_equal(enc, cases[i].out);
	}
	assert_int_equal(sasl_base64_encode("ABC", 3, enc, 4), -1);
	assert_int_equal(sasl_base64_encode("ABC", 3, enc, 5), 0);
	assert_int_equal(sasl_base64_encode("ABCD", 4, enc, 8), -1);
	assert_int_equal(sasl_base64_encode("", 0, enc, 0), -1);

	/* every octet value and every tail length survives a round trip */
	for (len = 0; len <= sizeof(in); len++) {
		for (i = 0; i < len; i++)
			in[i] = (unsigned char)(i * 37 + len * 11 + 0x80);
		assert_int_equal(sasl_base64_encode((char *)in, len, enc,
		    sizeof(enc)), 0);
		assert_int_equal(sasl_base64_decode(enc, strlen(enc), dec,
		    len + 1, &declen), 0);
		assert_int_equal(declen, len);
		assert_memory_equal(dec, in, len);
	}
}

static void
test_plain_split(void **state)
{
	static const struct {
		const char	*msg;
		size_t		 len;
		int		 rc;
		const char	*user, *pass;
	} cases[] = {
		{ "\0alice\0secret", 13, 0, "alice", "secret" },
		{ "alice\0alice\0secret", 18, 0, "alice", "secret" },
		{ "\0alice\0s p", 10, 0, "alice", "s p" },
		{ "bob\0alice\0secret", 16, -1, NULL, NULL },
		{ "ali\0alice\0secret", 16, -1, NULL, NULL },
		{ "alicex\0alice\0secret", 19, -1, NULL, NULL },
		{ "alice\0secret", 12, -1, NULL, NULL },
		{ "alicesecret", 11, -1, NULL, NULL },
		{ "", 0, -1, NULL, NULL },
		{ "\0alice\0", 7, -1, NULL, NULL },
		{ "\0\0secret", 8, -1, NULL, NULL },
		{ "\0alice\0sec\0ret", 14, -1, NULL, NULL },
		{ "\0alice\0secret\0", 14, -1, NULL, NULL },
		{ "\0\0", 2, -1, NULL, NULL },
	};
	char	 user[AUTH_USER_MAX + 1], pass[AUTH_PASS_MAX + 1];
	char	 msg[2 + AUTH_USER_MAX + 1 + AUTH_PASS_MAX + 1];
	size_t	 i;
	int	 rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = sasl_plain_split(cases[i].msg, cases[i].len, user, pass);
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d", i, rc);
		if (rc == 0) {
			assert_string_equal(user, cases[i].user);
			assert_string_equal(pass, cases[i].pass);
		} else {
			assert_string_equal(user, "");
			assert_string_equal(pass, "");
		}
	}

	/* the longest name and password fit; one octet more does not */
	msg[0] = '\0';
	memset(msg + 1, 'u', AUTH_USER_MAX);
	msg[1 + AUTH_USER_MAX] = '\0';
	memset(msg + 2 + AUTH_USER_MAX, 'p', AUTH_PASS_MAX + 1);
	assert_int_equal(sasl_plain_split(msg, 2 + AUTH_USER_MAX +
	    AUTH_PASS_MAX, user, pass), 0);
	assert_int_equal(strlen(user), AUTH_USER_MAX);
	assert_int_equal(strlen(pass), AUTH_PASS_MAX);
	assert_int_equal(sasl_plain_split(msg, 2 + AUTH_USER_MAX +
	    AUTH_PASS_MAX + 1, user, pass), -1);
	msg[1 + AUTH_USER_MAX] = 'u';
	msg[2 + AUTH_USER_MAX] = '\0';
	assert_int_equal(sasl_plain_split(msg, 2 + AUTH_USER_MAX + 1 + 3,
	    user, pass), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_decode),
		cmocka_unit_test(test_base64_encode),
		cmocka_unit_test(test_plain_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
