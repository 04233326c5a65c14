/*
 * bounce.c - DSNs for recipients that failed: composed by dsn.c, queued like
 * any message, and delivered to the smarthost with libcurl's SMTP client
 * (MAIL FROM:<>) or, without a smarthost, appended to the outbox by the
 * outbox backend on its own thread (its fdatasync never stops the loop).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/transport/backend.h"
#include "sms/transport/curlev.h"
#include "smtpd/queue/bounce.h"
#include "smtpd/queue/dsn.h"
#include "sms/lib/log.h"

#define BOUNCE_MAX_IN_FLIGHT	8
#define BOUNCE_TIMEOUT		120L

struct bounce {
	const struct conf	*conf;
	struct event_base	*base;
	struct curlev		*cev;		/* the smarthost's client, or */
	struct backend		*outbox;	/* without one: the outbox */
	char			*url;		/* smarthost, path = our EHLO name */
	unsigned		 in_flight;
};

struct bounce_job {
	struct bounce		*b;
	struct curl_slist	*rcpts;
	const char		*data;
	size_t			 len;
	size_t			 pos;
	sms_done_cb		 cb;
	void			*arg;
	enum sms_result		 result;
	char			 reason[CURL_ERROR_SIZE + 64];
};

/* smarthost_has_path - curl takes the URL path as the EHLO name */
static int
smarthost_has_path(const char *url)
{
	const char *p = strstr(url, "://");

	return p != NULL && strchr(p + 3, '/') != NULL;
}

/* bounce_new - a curl multi for the smarthost, or the outbox backend */
struct bounce *
bounce_new(const struct conf *conf, struct event_base *base, char *err,
    size_t errlen)
{
	struct bounce *b;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->conf = conf;
	b->base = base;
	if (conf->bounce.smarthost == NULL) {
		if ((b->outbox = backend_dsn_outbox_new(conf, base, err,
		    errlen)) == NULL) {
			free(b);
			return NULL;
		}
		return b;
	}
	if (asprintf(&b->url, "%s%s%s", conf->bounce.smarthost,
	    smarthost_has_path(conf->bounce.smarthost) ? "" : "/",
	    smarthost_has_path(conf->bounce.smarthost) ? "" : conf->hostname) == -1 ||
	    (b->cev = curlev_new(base, BOUNCE_MAX_IN_FLIGHT)) == NULL) {
		snprintf(err, errlen, "bounce: cannot start the SMTP client");
		free(b->url);
		free(b);
		return NULL;
	}
	return b;
}

/* bounce_compose - see bounce.h */
char *
bounce_compose(const struct conf *conf, const struct qmsg *m,
    const uint32_t *idx, size_t n, int64_t now, size_t *lenp)
{
	struct dsn_rcpt	*dr;
	struct dsn_msg	 dm;
	char		*out;
	size_t		 i;

	if ((dr = calloc(n ? n : 1, sizeof(*dr))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct message_rcpt *r = &m->msg->rcpts[idx[i]];
		const struct rcpt_status *st = &m->status[idx[i]];

		dr[i] = (struct dsn_rcpt){ .rcpt = r->addr, .orcpt = r->orcpt,
		    .action = "failed",
		    .status = st->status[0] ? st->status : "5.0.0",
		    .diagnostic = st->reason != NULL ? st->reason :
		    "delivery failed",
		    .last_attempt = (time_t)(st->last_try ? st->last_try : now) };
		if (st->state == RCPT_REPORT_OWED) {
			/* the provider took it; the handset is beyond our sight */
			dr[i].action = "relayed";
			dr[i].status = "2.0.0";
			dr[i].diagnostic = st->provider_id != NULL ?
			    st->provider_id : NULL;
		}
	}
	dm = (struct dsn_msg){ .reporting_mta = conf->hostname,
	    .queue_id = m->idstr, .from = conf->bounce.from,
	    .to = m->msg->sender, .envid = m->msg->envid,
	    .arrival = (time_t)m->msg->arrival,
	    .orig_headers = m->msg->headers,
	    .orig_headers_len = m->msg->headers_len,
	    .rcpts = dr, .nrcpts = n };
	out = dsn_compose(&dm, (time_t)now, lenp);
	free(dr);
	return out;
}

int
bounce_has_capacity(const struct bounce *b)
{
	return b->in_flight < BOUNCE_MAX_IN_FLIGHT;
}

static void
job_free(struct bounce_job *j)
{
	curl_slist_free_all(j->rcpts);
	free(j);
}

/* job_finish - report to the queue from the loop */
static void
job_finish(struct bounce_job *j)
{
	j->b->in_flight--;
	j->cb(j->arg, j->result, NULL, j->result == SMS_SENT ? NULL : j->reason);
	job_free(j);
}

/* outbox_done - the outbox backend's answer about a DSN */
static void
outbox_done(void *arg, enum sms_result result, const char *provider_id,
    const char *reason)
{
	struct bounce_job *j = arg;

	(void)provider_id;
	j->result = result;
	if (reason != NULL)
		snprintf(j->reason, sizeof(j->reason), "cannot write the DSN: %s",
		    reason);
	job_finish(j);
}

/* read_cb - feed the DSN to curl's upload */
static size_t
read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct bounce_job *j = arg;
	size_t n = size * nitems;

	if (n > j->len - j->pos)
		n = j->len - j->pos;
	memcpy(buf, j->data + j->pos, n);
	j->pos += n;
	return n;
}

/* smtp_done - the smarthost's verdict: 5xx is permanent, the rest retried */
static void
smtp_done(void *arg, CURL *easy, CURLcode rc)
{
	struct bounce_job *j = arg;
	long	 code = 0;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		j->result = SMS_SENT;
	else {
		j->result = code >= 500 && code < 600 ? SMS_PERMFAIL : SMS_TEMPFAIL;
		if (j->reason[0] == '\0')
			snprintf(j->reason, sizeof(j->reason), "%s",
			    curl_easy_strerror(rc));
		if (code > 0) {
			size_t l = strlen(j->reason);
			snprintf(j->reason + l, sizeof(j->reason) - l,
			    " (smarthost said %ld)", code);
		}
	}
	curl_easy_cleanup(easy);
	job_finish(j);
}

/* smtp_easy - a transfer of the DSN to the smarthost */
static CURL *
smtp_easy(struct bounce *b, struct bounce_job *j, const char *to)
{
	const struct conf *c = b->conf;
	CURL	*e;
	char	 rcpt[600];

	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	if ((e = curl_easy_init()) == NULL ||
	    (j->rcpts = curl_slist_append(NULL, rcpt)) == NULL) {
		if (e != NULL)
			curl_easy_cleanup(e);
		return NULL;
	}
	curl_easy_setopt(e, CURLOPT_URL, b->url);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, "<>");
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, j->rcpts);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e, CURLOPT_READDATA, j);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)j->len);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, BOUNCE_TIMEOUT);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->reason);
	if (c->bounce.starttls)
		curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (c->bounce.user != NULL) {
		curl_easy_setopt(e, CURLOPT_USERNAME, c->bounce.user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, c->bounce.password);
	}
	return e;
}

/* bounce_send - see bounce.h */
int
bounce_send(struct bounce *b, const struct qmsg *m, sms_done_cb cb, void *arg)
{
	struct bounce_job *j;
	CURL		*e;
	const char	*to = m->msg->rcpts[0].to;

	if (!bounce_has_capacity(b) || (j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	*j = (struct bounce_job){ .b = b, .data = m->msg->text,
	    .len = strlen(m->msg->text), .cb = cb, .arg = arg };
	if (b->outbox != NULL) {
		struct sms dsn = { .ref = m->idstr, .to = to,
		    .text = m->msg->text };

		if (backend_submit(b->outbox, &dsn, outbox_done, j) == -1) {
			job_free(j);
			return -1;
		}
		b->in_flight++;
		return 0;
	}
	if ((e = smtp_easy(b, j, to)) == NULL) {
		job_free(j);
		return -1;
	}
	if (curlev_add(b->cev, e, smtp_done, j) == -1) {
		curl_easy_cleanup(e);
		job_free(j);
		return -1;
	}
	b->in_flight++;
	return 0;
}

/*
 * bounce_free - stop the SMTP client or the outbox (what they still hold is
 * reported as a temporary failure); unfinished DSNs stay in the journal.
 */
void
bounce_free(struct bounce *b)
{
	if (b == NULL)
		return;
	if (b->cev != NULL)
		curlev_free(b->cev);
	backend_free(b->outbox);
	free(b->url);
	free(b);
}
