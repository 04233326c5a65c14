/*
 * tls.c - the server's OpenSSL context: certificate chain and private key
 * from the configuration, TLS 1.2 at least, forward-secret AEAD ciphers only.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "smtpd/privdrop.h"
#include "smtpd/smtp/tls.h"

/* Mozilla's "intermediate" TLS 1.2 list: ECDHE/DHE key exchange, AEAD only */
#define DEFAULT_CIPHERS	"ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:" \
	"ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:" \
	"DHE-RSA-AES256-GCM-SHA384"

/* ssl_error - the last OpenSSL error as text, the queue emptied */
static const char *
ssl_error(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		snprintf(buf, len, "unknown error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/* load_key - the private key, refused when others may read its file */
static int
load_key(SSL_CTX *ctx, const char *path, char *err, size_t errlen)
{
	char		 why[256];
	EVP_PKEY	*key;
	FILE		*fp;
	int		 rc;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "tls.key %s: %s", path, strerror(errno));
		return -1;
	}
	if (privdrop_check_secret_fd(fileno(fp), path, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "tls.key %s", why);
		fclose(fp);
		return -1;
	}
	key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (key == NULL) {
		snprintf(err, errlen, "tls.key %s: no PEM private key: %s", path,
		    ssl_error(why, sizeof(why)));
		return -1;
	}
	rc = SSL_CTX_use_PrivateKey(ctx, key);
	EVP_PKEY_free(key);
	if (rc != 1) {
		snprintf(err, errlen, "tls.key %s: %s", path,
		    ssl_error(why, sizeof(why)));
		return -1;
	}
	return 0;
}

/* set_protocols - minimum version, cipher lists, options */
static int
set_protocols(SSL_CTX *ctx, const struct conf *c, char *err, size_t errlen)
{
	char	 why[256];
	int	 min = c->tls.min_version == TLS_MIN_1_3 ? TLS1_3_VERSION :
		    TLS1_2_VERSION;

	if (SSL_CTX_set_min_proto_version(ctx, min) != 1) {
		snprintf(err, errlen, "tls.min_version: %s",
		    ssl_error(why, sizeof(why)));
		return -1;
	}
	if (SSL_CTX_set_cipher_list(ctx, c->tls.ciphers != NULL ?
	    c->tls.ciphers : DEFAULT_CIPHERS) != 1) {
		snprintf(err, errlen, "tls.ciphers: no usable cipher: %s",
		    ssl_error(why, sizeof(why)));
		return -1;
	}
	if (c->tls.ciphersuites != NULL &&
	    SSL_CTX_set_ciphersuites(ctx, c->tls.ciphersuites) != 1) {
		snprintf(err, errlen, "tls.ciphersuites: no usable suite: %s",
		    ssl_error(why, sizeof(why)));
		return -1;
	}
	/* the client's preference may be weaker; renegotiation is an attack surface */
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return 0;
}

/* tls_ctx_new - see tls.h */
SSL_CTX *
tls_ctx_new(const struct conf *c, char *err, size_t errlen)
{
	static const unsigned char sid_ctx[] = "smsrelayd";
	char		 why[256];
	SSL_CTX		*ctx;

	if (c->tls.certificate == NULL || c->tls.key == NULL) {
		snprintf(err, errlen, "tls: certificate and key are not set");
		return NULL;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		snprintf(err, errlen, "tls: %s", ssl_error(why, sizeof(why)));
		return NULL;
	}
	if (set_protocols(ctx, c, err, errlen) == -1)
		goto fail;
	if (SSL_CTX_use_certificate_chain_file(ctx, c->tls.certificate) != 1) {
		snprintf(err, errlen, "tls.certificate %s: %s", c->tls.certificate,
		    ssl_error(why, sizeof(why)));
		goto fail;
	}
	if (load_key(ctx, c->tls.key, err, errlen) == -1)
		goto fail;
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "tls.key %s does not match tls.certificate "
		    "%s", c->tls.key, c->tls.certificate);
		ERR_clear_error();
		goto fail;
	}
	SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* tls_describe - see tls.h */
void
tls_describe(const SSL *ssl, char *buf, size_t len)
{
	const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);

	snprintf(buf, len, "%s cipher=%s", SSL_get_version(ssl),
	    cipher != NULL ? SSL_CIPHER_get_name(cipher) : "none");
}
