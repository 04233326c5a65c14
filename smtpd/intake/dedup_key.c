/*
 * dedup_key.c - the keys of duplicate suppression: SHA-256 of the fields
 * that make a message the same, so they hold across restarts and relays.
 *
 * Why a digest and not the store's SipHash: the keys must be the same on
 * every relay sharing a store and after a restart, so no random per-process
 * key can be used; a fixed SipHash key would let a sender craft a text
 * colliding with another's. 128 bits of SHA-256 need no secret at all.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "sms/lib/ascii.h"
#include "smtpd/intake/dedup_key.h"

#define HEADER_NAME	"message-id:"

/* digest_add - one field, with its length first so fields cannot shift */
static int
digest_add(EVP_MD_CTX *ctx, const char *s, int fold)
{
	unsigned char	 len[8], c;
	uint64_t	 n = strlen(s);
	size_t		 i;

	for (i = 0; i < sizeof(len); i++)
		len[i] = (unsigned char)(n >> (8 * i));
	if (EVP_DigestUpdate(ctx, len, sizeof(len)) != 1)
		return -1;
	if (!fold)
		return EVP_DigestUpdate(ctx, s, n) == 1 ? 0 : -1;
	for (i = 0; i < n; i++) {
		c = (unsigned char)ascii_lower(s[i]);
		if (EVP_DigestUpdate(ctx, &c, 1) != 1)
			return -1;
	}
	return 0;
}

/* make_key - prefix and the first 16 octets of the digest, in hex */
static int
make_key(const char *prefix, const char *a, int fold_a, const char *b,
    const char *c, char key[DEDUP_KEY_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	EVP_MD_CTX	*ctx;
	size_t		 i, p = strlen(prefix);
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    digest_add(ctx, prefix, 0) == 0 && digest_add(ctx, a, fold_a) == 0 &&
	    digest_add(ctx, b, 0) == 0 && (c == NULL || digest_add(ctx, c,
	    0) == 0) && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
	    mdlen >= 16) {
		memcpy(key, prefix, p);
		for (i = 0; i < 16; i++) {
			key[p + 2 * i] = hex[md[i] >> 4];
			key[p + 2 * i + 1] = hex[md[i] & 0xf];
		}
		key[p + 32] = '\0';
		rc = 0;
	}
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* dedup_key_text - see dedup_key.h */
int
dedup_key_text(const char *sender, const char *e164, const char *text,
    char key[DEDUP_KEY_LEN])
{
	return make_key("dup:t:", sender, 1, e164, text, key);
}

/* dedup_key_msgid - see dedup_key.h */
int
dedup_key_msgid(const char *msgid, const char *e164, char key[DEDUP_KEY_LEN])
{
	return make_key("dup:m:", msgid, 0, e164, NULL, key);
}

/* field_at - whether the line at p (end e) is a Message-ID: field */
static int
field_at(const char *p, const char *e)
{
	size_t	 i, n = sizeof(HEADER_NAME) - 1;

	if ((size_t)(e - p) < n)
		return 0;
	for (i = 0; i < n; i++)
		if (ascii_lower(p[i]) != HEADER_NAME[i])
			return 0;
	return 1;
}

/* unfold - the field's value from p to the end of its last line, trimmed */
static int
unfold(const char *p, const char *e, char *out, size_t size)
{
	size_t	 n = 0;

	for (; p < e; p++) {
		if (*p == '\r' || *p == '\n') {
			/* a line that starts with white space continues it */
			if (*p == '\n' && (p + 1 >= e || (p[1] != ' ' &&
			    p[1] != '\t')))
				break;
			continue;
		}
		if ((*p == ' ' || *p == '\t') && n == 0)
			continue;
		if (n + 1 >= size)
			return -1;
		out[n++] = *p;
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* dedup_message_id - see dedup_key.h; the header ends at an empty line */
int
dedup_message_id(const char *raw, size_t len, char *out, size_t size)
{
	const char	*p = raw, *e = raw + len, *nl;

	while (p < e && *p != '\r' && *p != '\n') {
		if (field_at(p, e))
			return unfold(p + sizeof(HEADER_NAME) - 1, e, out, size);
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			break;
		p = nl + 1;
	}
	return -1;
}
