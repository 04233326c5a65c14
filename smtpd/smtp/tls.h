/*
 * tls.h - the server side of TLS: one OpenSSL context built from the
 * configuration (TLS 1.2 or newer, modern ciphers), swapped on reload.
 */
#ifndef SMSRELAY_TLS_H
#define SMSRELAY_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>

#include "conf/conf.h"

/*
 * tls_ctx_new - certificate chain and key from c->tls; NULL with a sentence
 * in err if a file is unreadable, the key is readable by group or others,
 * or the key does not match the certificate.
 */
SSL_CTX	*tls_ctx_new(const struct conf *c, char *err, size_t errlen);
/* tls_describe - "TLSv1.3 cipher=TLS_AES_256_GCM_SHA384" for the log */
void	 tls_describe(const SSL *, char *buf, size_t len);

#endif
