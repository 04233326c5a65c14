/*
 * smarthost.c - the DSN transport when bounce.smarthost is set: each submit
 * is a mail (to: its recipient, text: the whole message) sent from <> with
 * libcurl's SMTP client on the caller's loop; a 5xx is final, the rest retried.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "sms/transport/backend.h"
#include "sms/transport/curlev.h"

#define SMARTHOST_TIMEOUT	120L	/* seconds for one whole transfer */

struct smarthost {
	struct backend		 b;	/* first: backend.c sees only this */
	struct curlev		*cev;
	char			*url;	/* path: the EHLO name */
	char			*user;
	char			*password;
	int			 starttls;
};

/* one DSN on its way */
struct mail {
	struct curl_slist	*rcpts;
	char			*data;
	size_t			 len;
	size_t			 pos;
	sms_done_cb		 cb;
	void			*arg;
	char			 reason[CURL_ERROR_SIZE + 64];
};

static void
mail_free(struct mail *ml)
{
	curl_slist_free_all(ml->rcpts);
	free(ml->data);
	free(ml);
}

/* mail_read - feed the DSN to curl's upload */
static size_t
mail_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct mail	*ml = arg;
	size_t		 n = size * nitems;

	if (n > ml->len - ml->pos)
		n = ml->len - ml->pos;
	memcpy(buf, ml->data + ml->pos, n);
	ml->pos += n;
	return n;
}

/* mail_done - the smarthost's verdict: 5xx is permanent, the rest retried */
static void
mail_done(void *arg, CURL *easy, CURLcode rc)
{
	struct mail	*ml = arg;
	enum sms_result	 result = SMS_SENT;
	long		 code = 0;
	size_t		 l;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK) {
		result = code >= 500 && code < 600 ? SMS_PERMFAIL :
		    SMS_TEMPFAIL;
		if (ml->reason[0] == '\0')
			snprintf(ml->reason, sizeof(ml->reason), "%s",
			    curl_easy_strerror(rc));
		if (code > 0) {
			l = strlen(ml->reason);
			snprintf(ml->reason + l, sizeof(ml->reason) - l,
			    " (smarthost said %ld)", code);
		}
	}
	curl_easy_cleanup(easy);
	ml->cb(ml->arg, &(struct sms_outcome){ .result = result,
	    .reason = result == SMS_SENT ? NULL : ml->reason });
	mail_free(ml);
}

/* mail_easy - the transfer of one DSN to the smarthost */
static CURL *
mail_easy(const struct smarthost *sh, struct mail *ml, const char *to)
{
	CURL	*e;
	char	 rcpt[600];

	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	if ((e = curl_easy_init()) == NULL ||
	    (ml->rcpts = curl_slist_append(NULL, rcpt)) == NULL) {
		if (e != NULL)
			curl_easy_cleanup(e);
		return NULL;
	}
	curl_easy_setopt(e, CURLOPT_URL, sh->url);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, "<>");
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, ml->rcpts);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, mail_read);
	curl_easy_setopt(e, CURLOPT_READDATA, ml);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)ml->len);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, SMARTHOST_TIMEOUT);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, ml->reason);
	if (sh->starttls)
		curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (sh->user != NULL) {
		curl_easy_setopt(e, CURLOPT_USERNAME, sh->user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, sh->password);
	}
	return e;
}

/* smarthost_submit - start the transfer of one DSN (the text is copied) */
static int
smarthost_submit(struct backend *b, const struct sms *dsn, sms_done_cb cb,
    void *arg)
{
	struct smarthost	*sh = (struct smarthost *)b;
	struct mail		*ml;
	CURL			*e;

	if ((ml = calloc(1, sizeof(*ml))) == NULL)
		return -1;
	ml->cb = cb;
	ml->arg = arg;
	ml->len = strlen(dsn->text);
	if ((ml->data = strdup(dsn->text)) == NULL ||
	    (e = mail_easy(sh, ml, dsn->to)) == NULL) {
		mail_free(ml);
		return -1;
	}
	if (curlev_add(sh->cev, e, mail_done, ml) == -1) {
		curl_easy_cleanup(e);
		mail_free(ml);
		return -1;
	}
	return 0;
}

/*
 * smarthost_free - the last reference to the loop's curl multi stops the
 * transfers still running: each reports a temporary failure.
 */
static void
smarthost_free(struct backend *b)
{
	struct smarthost	*sh = (struct smarthost *)b;

	if (sh->cev != NULL)
		curlev_free(sh->cev);
	free(sh->url);
	free(sh->user);
	free(sh->password);
	free(sh);
}

static const struct backend_ops smarthost_ops = {
	.name = "smarthost", .submit = smarthost_submit, .free = smarthost_free,
};

/* has_path - curl takes the URL path as the EHLO name */
static int
has_path(const char *url)
{
	const char *p = strstr(url, "://");

	return p != NULL && strchr(p + 3, '/') != NULL;
}

/* dup_opt - a copy of s, NULL for NULL; -1 if no memory */
static int
dup_opt(char **dst, const char *s)
{
	*dst = NULL;
	return s != NULL && (*dst = strdup(s)) == NULL ? -1 : 0;
}

/* smarthost_backend_new - the SMTP client of conf->bounce, on base */
struct backend *
smarthost_backend_new(const struct conf *conf, struct event_base *base,
    char *err, size_t errlen)
{
	const char		*host = conf->bounce.smarthost;
	struct smarthost	*sh;

	if ((sh = calloc(1, sizeof(*sh))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sh->starttls = conf->bounce.starttls;
	if (asprintf(&sh->url, "%s%s%s", host, has_path(host) ? "" : "/",
	    has_path(host) ? "" : conf->hostname) == -1)
		sh->url = NULL;
	if (sh->url == NULL || dup_opt(&sh->user, conf->bounce.user) == -1 ||
	    dup_opt(&sh->password, conf->bounce.password) == -1 ||
	    (sh->cev = curlev_new(base, BACKEND_DSN_MAX_IN_FLIGHT)) == NULL) {
		snprintf(err, errlen, "bounce: cannot start the SMTP client");
		smarthost_free(&sh->b);
		return NULL;
	}
	sh->b.ops = &smarthost_ops;
	sh->b.base = base;
	sh->b.max_in_flight = BACKEND_DSN_MAX_IN_FLIGHT;
	return &sh->b;
}
