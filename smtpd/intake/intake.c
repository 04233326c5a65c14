/*
 * intake.c - the end of DATA: convert the message to SMS text, check it
 * (the header's originators at once; rate limits and whatever else may
 * answer later through check_later()), submit it to the queue, charge the
 * limits, log what was accepted. The transaction holds what this makes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/convert/mime.h"
#include "sms/convert/text.h"
#include "sms/lib/clock.h"
#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "smtpd/http/status_history.h"
#include "smtpd/intake/dedup.h"
#include "smtpd/intake/intake.h"
#include "smtpd/intake/limits.h"
#include "smtpd/intake/release.h"
#include "smtpd/policy/policy.h"
#include "smtpd/queue/queue.h"
#include "smtpd/server.h"
#include "smtpd/stats/dstats.h"

/* convert - the message as SMS text in tx->sms; 0, or -1 with the refusal */
static int
convert(struct smtp_tx *tx, struct verdict *v)
{
	const struct conf *c = tx->srv->conf;
	struct mime_text mt = { 0 };
	char		 why[256];
	int		 err;

	if (tx->too_big)
		return verdict_set(v, 552, "5.3.4",
		    "Message size exceeds fixed limit");
	if ((tx->sms = calloc(1, sizeof(*tx->sms))) == NULL)
		err = ENOMEM;
	else if (mime_extract(tx->data.s, tx->data.len, &mt) == -1)
		err = ENODATA;
	else
		err = text_compose(&mt, c, tx->sms) == 0 ? 0 : errno;
	mime_text_free(&mt);
	if (err == 0) {
		tx->parts = tx->sms->layout.parts;
		tx->encoding = tx->sms->layout.encoding;
		return 0;
	}
	verdict_parse(v, text_reply(err, c, why, sizeof(why)));
	v->server_fault = err == ENOMEM;
	return -1;
}

/* sender_id - [SRC:] unless the user's id is fixed, else by policy */
static const char *
sender_id(const struct smtp_tx *tx)
{
	const struct user_conf *u = tx_user_conf(tx);
	const struct sms_text *st = tx->sms;

	if (st->subject_options.src[0] != '\0' &&
	    (u == NULL || u->sender_id == NULL))
		return st->subject_options.src;
	return policy_sender_id(tx->srv->conf, u, tx->sender);
}

/* header_block_len - the length of the header section, with its blank line */
static size_t
header_block_len(const char *p, size_t len)
{
	const char *e = memmem(p, len, "\r\n\r\n", 4);

	return e != NULL ? (size_t)(e - p) + 4 : len;
}

/*
 * release_time - when the message may go: the latest time MAIL FROM, the
 * header or [JOBPERIOD:] names, each within queue.max_hold; 0, or -1 with
 * the refusal
 */
static int
release_time(struct smtp_tx *tx, struct verdict *v)
{
	const struct conf *c = tx->srv->conf;
	int64_t		 now = clock_now(), header = 0,
			 job = (int64_t)tx->sms->subject_options.send_at;

	if (release_header(tx->data.s, header_block_len(tx->data.s,
	    tx->data.len), &header, v) == -1 ||
	    release_within(c, header, now, "the header", v) == -1 ||
	    release_within(c, job, now, "[JOBPERIOD:]", v) == -1)
		return -1;
	if (header > tx->release_at)
		tx->release_at = header;
	if (job > tx->release_at)
		tx->release_at = job;
	return 0;
}

/* queue_refusal - the reply when the queue cannot take a message */
static void
queue_refusal(int error, struct verdict *v)
{
	if (error == ENOSPC || error == EDQUOT)
		verdict_set(v, 452, "4.3.1", "Insufficient system storage");
	else
		verdict_set(v, 451, "4.3.0", "Error: queue file write error, "
		    "try again later");
	v->server_fault = true;
}

/* count_refusal - a message refused at the end of DATA, by its reason */
static void
count_refusal(const struct verdict *v)
{
	enum stat_id id = STAT_MSG_REFUSED_POLICY;

	if (v->code < 400)
		return;		/* every recipient a duplicate: not refused */
	if (v->code == 552)
		id = STAT_MSG_REFUSED_SIZE;
	else if (strcmp(v->enhanced, "5.6.0") == 0)
		id = STAT_MSG_REFUSED_NO_TEXT;
	else if (strcmp(v->enhanced, "4.7.1") == 0)
		id = STAT_MSG_REFUSED_LIMIT;
	else if (v->server_fault)
		id = STAT_MSG_REFUSED_STORAGE;
	stats_increment(id, 1);
}

/* count_accepted - a message on stable storage: its 250 goes out */
static void
count_accepted(const struct smtp_tx *tx)
{
	size_t	 i;

	stats_increment(STAT_MSG_ACCEPTED, 1);
	status_history_sender(tx->sender, tx->nrcpts);
	stats_increment(tx->encoding == SMS_UCS2 ? STAT_PARTS_UCS2 :
	    STAT_PARTS_GSM7, (uint64_t)tx->parts * tx->nrcpts);
	for (i = 0; i < tx->nrcpts; i++)
		dstats_accepted(tx->user, tx->sender, tx->rcpts[i].e164,
		    tx->parts);
}

/* queued - the queue's answer for a submitted message, handed on */
static void
queued(void *arg, int error)
{
	struct smtp_tx	*tx = arg;
	struct verdict	 v;

	if (error == 0) {
		dedup_remember(tx);
		count_accepted(tx);
		tx->events->committed(tx->events_arg, NULL);
		return;
	}
	log_warnx("%016" PRIx64 " smtp queue write failed client=%s "
	    "reason=\"%s\"", tx->sid, tx->client, strerror(error));
	queue_refusal(error, &v);
	count_refusal(&v);
	tx->events->committed(tx->events_arg, &v);
}

/* enqueue - the one place a transaction becomes a message; -1 with errno */
static int
enqueue(struct smtp_tx *tx)
{
	const struct sms_text *st = tx->sms;
	struct message	 sub;
	struct message_rcpt *qr;
	size_t		 i, hlen;
	int		 rc, err;

	if ((qr = calloc(tx->nrcpts, sizeof(*qr))) == NULL)
		return -1;
	for (i = 0; i < tx->nrcpts; i++)
		qr[i] = (struct message_rcpt){ tx->rcpts[i].addr,
		    tx->rcpts[i].e164, tx->rcpts[i].orcpt,
		    policy_notify(tx->srv->conf, tx_user_conf(tx), tx->sender,
		    tx->rcpts[i].notify,
		    st->subject_options.delivery_notification) };
	hlen = header_block_len(tx->data.s, tx->data.len);
	sub = (struct message){ .sender = tx->sender, .client = tx->client,
	    .helo = tx->helo, .envid = tx->envid[0] ? tx->envid : NULL,
	    .ret = tx->ret, .sender_id = sender_id(tx), .text = st->text,
	    .not_before = tx->release_at,
	    .lifetime = st->subject_options.validity_hours * 3600,
	    .quiet = policy_quiet_hours(tx->srv->conf, tx_user_conf(tx),
	    tx->sender, st->subject_options.quiet),
	    .parts = st->layout.parts, .encoding = (uint8_t)st->layout.encoding,
	    .headers = tx->data.s, .headers_len = hlen,
	    .raw = tx->data.s, .raw_len = tx->data.len,
	    .rcpts = qr, .nrcpts = (uint32_t)tx->nrcpts, .user = tx->user,
	    .priority = (uint8_t)release_priority(tx->data.s, hlen,
	    st->subject_options.express) };
	rc = queue_submit(tx->srv->queue, &sub, queued, tx, tx->queue_id);
	err = errno;
	free(qr);
	errno = err;
	return rc;
}

/* log_translit - which characters became their GSM look-alikes */
static void
log_translit(const char *id, const struct translit_log *t)
{
	char	 list[512];
	size_t	 i, n = 0;
	int	 w;

	list[0] = '\0';
	for (i = 0; i < t->nchanges && n < sizeof(list); i++) {
		char	 to[sizeof(t->changes[i].to) * 4];
		size_t	 j, k = 0;

		/* one line per event: a look-alike such as "\n" is escaped */
		for (j = 0; t->changes[i].to[j] != '\0' && k + 5 < sizeof(to); j++) {
			unsigned char c = (unsigned char)t->changes[i].to[j];

			if (c < 0x20 || c == 0x7f)
				k += (size_t)snprintf(to + k, sizeof(to) - k,
				    "\\x%02x", c);
			else
				to[k++] = (char)c;
		}
		to[k] = '\0';
		w = snprintf(list + n, sizeof(list) - n, "%sU+%04X>%s x%u",
		    i ? ", " : "", t->changes[i].codepoint, to,
		    t->changes[i].count);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	log_info("%s transliterated n=%u to stay in GSM-7: %s", id, t->total,
	    list);
}

/* log_accepted - the message is the queue's now */
static void
log_accepted(const struct smtp_tx *tx)
{
	const struct sms_text *st = tx->sms;

	log_info("%s accepted from=<%s> nrcpt=%zu size=%zu parts=%u "
	    "encoding=%s%s client=%s%s%s%s", tx->queue_id, tx->sender,
	    tx->nrcpts, tx->data.len, st->layout.parts,
	    gsm_encoding_name(st->layout.encoding), st->truncated ?
	    " truncated" : "", tx->client, tx->user != NULL ? " user=" : "",
	    tx->user != NULL ? tx->user : "", tx->tls ? " tls" : "");
	if (st->transliterated && st->translit.total > 0)
		log_translit(tx->queue_id, &st->translit);
}

/* submit - queue, charge and log the checked message; -1 with the refusal */
static int
submit(struct smtp_tx *tx, struct verdict *v)
{
	if (enqueue(tx) == -1) {
		queue_refusal(errno, v);
		return -1;
	}
	limits_charge(tx);
	log_accepted(tx);
	/* the queue has its own copy of the text */
	text_free(tx->sms);
	free(tx->sms);
	tx->sms = NULL;
	return 0;
}

/* data_checked - the checks that waited have answered: submit, or refuse */
static void
data_checked(void *arg, const struct verdict *answer)
{
	struct smtp_tx	*tx = arg;
	struct verdict	 v = *answer;

	if (v.code == 0)
		submit(tx, &v);
	if (v.code != 0)
		count_refusal(&v);
	tx->events->checked(tx->events_arg, &v);
}

/* intake_message - see intake.h */
enum intake_step
intake_message(struct smtp_tx *tx, struct verdict *v,
    const struct intake_events *ev, void *arg)
{
	tx->events = ev;
	tx->events_arg = arg;
	if (convert(tx, v) == -1 || check_originators(tx, v) == -1 ||
	    release_time(tx, v) == -1)
		goto refused;
	if (check_later(&tx->check, tx, CHECK_DATA, v, data_checked, tx) ==
	    CHECK_LATER)
		return INTAKE_WAITING;
	if (v->code != 0 || submit(tx, v) == -1)
		goto refused;
	return INTAKE_SUBMITTED;
refused:
	count_refusal(v);
	return INTAKE_REFUSED;
}
