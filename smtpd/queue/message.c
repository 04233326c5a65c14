/*
 * message.c - a message described once: built in one allocation (from the
 * session's description or from a journal record) and freed with free().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/lib/header_field.h"
#include "smtpd/queue/message.h"

/* message_space_str - see message.h */
const char *
message_space_str(struct message_space *sp, const char *s, size_t n,
    int optional)
{
	char	*p;

	if (optional && n == 0)
		return NULL;
	if (sp->counting) {
		/* too much for any allocation: message_build refuses it */
		if (n >= SIZE_MAX / 2 - sp->need)
			sp->need = SIZE_MAX / 2;
		else
			sp->need += n + 1;
		return "";
	}
	p = sp->strings;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	sp->strings += n + 1;
	return p;
}

/* message_space_rcpts - see message.h */
struct message_rcpt *
message_space_rcpts(struct message_space *sp, uint32_t n)
{
	if (sp->counting) {
		sp->nrcpts = n;
		return NULL;
	}
	return sp->rcpts;
}

/* message_build - count, allocate once, then fill for real */
struct message *
message_build(message_fill fill, const void *src)
{
	struct message_space	 sp = { .counting = 1 };
	struct message		 counted, *m;
	size_t			 rcpts_size;

	if (fill(src, &counted, &sp) == -1) {
		errno = EINVAL;
		return NULL;
	}
	rcpts_size = (size_t)sp.nrcpts * sizeof(*sp.rcpts);
	if (sp.need > SIZE_MAX / 4 || rcpts_size > SIZE_MAX / 4 ||
	    (m = malloc(sizeof(*m) + rcpts_size + sp.need)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	sp.counting = 0;
	sp.rcpts = (struct message_rcpt *)(m + 1);
	sp.strings = (char *)(sp.rcpts + sp.nrcpts);
	(void)fill(src, m, &sp);
	return m;
}

/* cstr - a C string of the copy; NULL counts as "" */
static const char *
cstr(struct message_space *sp, const char *s, int optional)
{
	return message_space_str(sp, s, s != NULL ? strlen(s) : 0, optional);
}

/* fill_copy - the fill of message_copy: src is a message */
static int
fill_copy(const void *arg, struct message *m, struct message_space *sp)
{
	const struct message	*src = arg;
	struct message_rcpt	*r = message_space_rcpts(sp, src->nrcpts);
	uint32_t		 i;

	*m = *src;
	m->sender = cstr(sp, src->sender, 0);
	m->client = cstr(sp, src->client, 0);
	m->helo = cstr(sp, src->helo, 0);
	m->envid = cstr(sp, src->envid, 1);
	m->sender_id = cstr(sp, src->sender_id, 1);
	m->text = cstr(sp, src->text, 0);
	m->quiet = cstr(sp, src->quiet, 1);
	m->user = cstr(sp, src->user, 1);
	m->headers = message_space_str(sp, src->headers != NULL ?
	    src->headers : "", src->headers != NULL ? src->headers_len : 0, 0);
	m->headers_len = src->headers != NULL ? src->headers_len : 0;
	m->raw = NULL;
	m->raw_len = 0;
	for (i = 0; i < src->nrcpts; i++) {
		struct message_rcpt rr = {
			cstr(sp, src->rcpts[i].addr, 0),
			cstr(sp, src->rcpts[i].to, 0),
			cstr(sp, src->rcpts[i].orcpt, 1),
			src->rcpts[i].notify,
		};

		if (r != NULL)
			r[i] = rr;
	}
	m->rcpts = r;
	return 0;
}

/* message_copy - see message.h */
struct message *
message_copy(const struct message *m)
{
	return message_build(fill_copy, m);
}

/* rcpt_state_name - for logs and smsrelayctl */
const char *
rcpt_state_name(enum rcpt_state s)
{
	static const char *names[] = { "queued", "sending", "sent",
	    "deferred", "failed", "bounced", "sent-report-owed", "waiting",
	    "waiting-delay-owed", "delayed", "held" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* rcpt_status_clear - see message.h */
void
rcpt_status_clear(struct rcpt_status *st)
{
	free(st->provider_id);
	free(st->reason);
	free(st->report_status);
	free(st->backend);
	st->provider_id = st->reason = st->report_status = st->backend = NULL;
	rcpt_parts_clear(st);
	while (st->nevents > 0)
		free(st->events[--st->nevents].status);
	free(st->events);
	st->events = NULL;
}

/* rcpt_parts_clear - see message.h */
void
rcpt_parts_clear(struct rcpt_status *st)
{
	while (st->nparts > 0)
		free(st->parts[--st->nparts].id);
	free(st->parts);
	st->parts = NULL;
}

/* rcpt_event_add - see message.h */
int
rcpt_event_add(struct rcpt_status *st, enum sms_report report, int64_t when,
    uint32_t part, const char *status, size_t n)
{
	struct rcpt_event	*ev;
	char			*copy = NULL;

	if (status != NULL && (copy = strndup(status, n)) == NULL)
		return -1;
	if ((ev = reallocarray(st->events, st->nevents + 1,
	    sizeof(*ev))) == NULL) {
		free(copy);
		return -1;
	}
	st->events = ev;
	ev[st->nevents++] = (struct rcpt_event){ report, when, part, copy };
	return 0;
}

/* qid_format - see message.h */
void
qid_format(char out[QID_LEN + 1], uint64_t id)
{
	snprintf(out, QID_LEN + 1, "%016" PRIX64, id);
}

/* qid_parse - see message.h */
int
qid_parse(const char *s, uint64_t *id)
{
	uint64_t v = 0;
	size_t	 i;
	int	 x;

	for (i = 0; i < QID_LEN; i++) {
		if ((x = ascii_hex((unsigned char)s[i])) == -1)
			return -1;
		v = v << 4 | (uint64_t)x;
	}
	*id = v;
	return 0;
}

/* message_id_of - see message.h */
int
message_id_of(const char *headers, size_t len, char *out, size_t size)
{
	size_t	 n;

	if (header_field(headers, len, "Message-ID", out, size) != 1)
		return 0;
	n = strlen(out);
	if (n >= 2 && out[0] == '<' && out[n - 1] == '>') {
		memmove(out, out + 1, n - 2);
		out[n - 2] = '\0';
	}
	return out[0] != '\0';
}
