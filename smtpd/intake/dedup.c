/*
 * dedup.c - duplicate suppression: per recipient a key of (sender, number,
 * text) and one of (Message-ID, number), looked up at the end of DATA and
 * set, naming the queue id, once the message is durable.
 *
 * Keys are set only after the commit, so a message the queue refused
 * never makes its retry a "duplicate"; the price is that two equal
 * messages committed at the same moment are both sent. Each key set is
 * also journaled (dedup_journal.c) so a restart keeps it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sms/convert/text.h"
#include "sms/lib/clock.h"
#include "sms/lib/log.h"
#include "sms/lib/stats.h"
#include "smtpd/intake/dedup.h"
#include "smtpd/intake/dedup_journal.h"
#include "smtpd/intake/dedup_key.h"
#include "smtpd/intake/tx.h"
#include "smtpd/server.h"
#include "smtpd/state/shared_state.h"

#define MSGID_MAX	998	/* a header line's limit */

struct dedup_slot {
	struct dedup_tx		*d;
	char			 key[DEDUP_KEY_LEN];
	size_t			 rcpt;		/* index when asked */
	struct state_req	*req;		/* NULL once answered */
	char			 dup_of[QID_LEN + 1];	/* "" not a duplicate */
	int			 dropped;
};

struct dedup_tx {
	struct check_run	*run;
	uint64_t		 window_ms;
	struct dedup_slot	*slots;
	size_t			 nslots;
	size_t			 pending;
	unsigned		 ndropped;
};

/* window_ms - the window in force for tx, 0: none */
static uint64_t
window_ms(const struct smtp_tx *tx)
{
	unsigned w = tx->srv->conf->dedup.window;

	if (w == 0 && tx->sms->subject_options.duplicate_detection)
		w = DEDUP_DEFAULT_WINDOW;
	return (uint64_t)w * 1000;
}

/* dedup_tx_free - see dedup.h */
void
dedup_tx_free(struct dedup_tx *d)
{
	if (d == NULL)
		return;
	free(d->slots);
	free(d);
}

/* make_slots - the keys of every recipient; -1 if out of memory */
static int
make_slots(struct smtp_tx *tx, struct dedup_tx *d)
{
	char	 msgid[MSGID_MAX + 1];
	int	 has_id;
	size_t	 i;

	has_id = dedup_message_id(tx->data.s, tx->data.len, msgid,
	    sizeof(msgid)) == 0;
	if ((d->slots = calloc(tx->nrcpts * 2, sizeof(*d->slots))) == NULL)
		return -1;
	for (i = 0; i < tx->nrcpts; i++) {
		if (dedup_key_text(tx->sender, tx->rcpts[i].e164,
		    tx->sms->text, d->slots[d->nslots].key) == 0)
			d->slots[d->nslots++].rcpt = i;
		if (has_id && dedup_key_msgid(msgid, tx->rcpts[i].e164,
		    d->slots[d->nslots].key) == 0)
			d->slots[d->nslots++].rcpt = i;
	}
	return 0;
}

/* rcpt_dup_of - the queue id a recipient duplicates, NULL if none */
static const char *
rcpt_dup_of(const struct dedup_tx *d, size_t rcpt)
{
	size_t	 i;

	for (i = 0; i < d->nslots; i++)
		if (d->slots[i].rcpt == rcpt && d->slots[i].dup_of[0] != '\0')
			return d->slots[i].dup_of;
	return NULL;
}

/* drop_rcpt - take recipient i out of the transaction, slots marked */
static void
drop_rcpt(struct smtp_tx *tx, struct dedup_tx *d, size_t i, const char *of)
{
	size_t	 k;

	log_info("%016" PRIx64 " smtp duplicate from=<%s> to=%s of=%s "
	    "client=%s", tx->sid, tx->sender, tx->rcpts[i].e164, of,
	    tx->client);
	stats_increment(STAT_RCPT_DUPLICATE, 1);
	free(tx->rcpts[i].addr);
	free(tx->rcpts[i].orcpt);
	memmove(&tx->rcpts[i], &tx->rcpts[i + 1],
	    (tx->nrcpts - i - 1) * sizeof(tx->rcpts[0]));
	tx->nrcpts--;
	for (k = 0; k < d->nslots; k++) {
		if (d->slots[k].rcpt == i)
			d->slots[k].dropped = 1;
		else if (d->slots[k].rcpt > i && !d->slots[k].dropped)
			d->slots[k].rcpt--;
	}
	d->ndropped++;
}

/* apply - every answer is in: drop the duplicates, say what is left */
static void
apply(struct smtp_tx *tx, struct dedup_tx *d, struct verdict *v)
{
	char		 first[QID_LEN + 1] = "";
	const char	*of;
	size_t		 i = tx->nrcpts;

	while (i-- > 0) {
		if ((of = rcpt_dup_of(d, i)) == NULL)
			continue;
		snprintf(first, sizeof(first), "%s", of);
		drop_rcpt(tx, d, i, of);
	}
	verdict_none(v);
	if (tx->nrcpts == 0 && first[0] != '\0')
		verdict_set(v, 250, "2.0.0", "duplicate of %s, not sent again",
		    first);
}

/* slot_answered - one key's answer; the last one decides */
static void
slot_answered(void *arg, const struct state_reply *r)
{
	struct dedup_slot	*s = arg;
	struct dedup_tx		*d = s->d;
	struct smtp_tx		*tx = d->run->tx;
	struct verdict		 v;

	s->req = NULL;
	if (r->error != 0)
		log_warnx("%016" PRIx64 " smtp duplicate check failed, sending "
		    "anyway: %s", tx->sid, strerror(r->error));
	else if (r->n == 1 && r->len > 0 && r->len <= QID_LEN)
		memcpy(s->dup_of, r->value, r->len);
	if (--d->pending > 0)
		return;
	apply(tx, d, &v);
	check_step_answered(d->run, &v);
}

/* dedup_start - see dedup.h */
enum check_when
dedup_start(struct check_run *run, struct verdict *v)
{
	struct smtp_tx	*tx = run->tx;
	struct dedup_tx	*d;
	uint64_t	 w;
	size_t		 i;

	if (run->stage != CHECK_DATA || tx->srv->state == NULL ||
	    (w = window_ms(tx)) == 0)
		return CHECK_NOW;
	dedup_tx_free(tx->dedup);
	if ((tx->dedup = d = calloc(1, sizeof(*d))) == NULL ||
	    make_slots(tx, d) == -1) {
		log_warnx("%016" PRIx64 " smtp duplicate check: out of memory, "
		    "sending anyway", tx->sid);
		return CHECK_NOW;
	}
	d->run = run;
	d->window_ms = w;
	for (i = 0; i < d->nslots; i++) {
		d->slots[i].d = d;
		if ((d->slots[i].req = state_get(tx->srv->state,
		    d->slots[i].key, slot_answered, &d->slots[i])) != NULL)
			d->pending++;
		else
			log_warn("%016" PRIx64 " smtp duplicate check, sending "
			    "anyway", tx->sid);
	}
	verdict_none(v);
	return d->pending > 0 ? CHECK_LATER : CHECK_NOW;
}

/* dedup_cancel - see dedup.h */
void
dedup_cancel(struct check_run *run)
{
	struct dedup_tx	*d = run->tx->dedup;
	size_t		 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nslots; i++) {
		state_cancel(d->slots[i].req);
		d->slots[i].req = NULL;
	}
	d->pending = 0;
}

/* key_set - only a failure is worth a word: the key is not kept */
static void
key_set(void *arg, const struct state_reply *r)
{
	(void)arg;
	if (r->error != 0)
		log_warnx("dedup: a duplicate key was not kept: %s",
		    strerror(r->error));
}

/* dedup_remember - see dedup.h */
void
dedup_remember(struct smtp_tx *tx)
{
	struct dedup_tx	*d = tx->dedup;
	struct server	*srv = tx->srv;
	int64_t		 expires;
	size_t		 i;

	if (d == NULL)
		return;
	expires = clock_now_ms() + (int64_t)d->window_ms;
	for (i = 0; i < d->nslots; i++) {
		if (d->slots[i].dropped)
			continue;
		if (state_set_nx(srv->state, d->slots[i].key, tx->queue_id,
		    strlen(tx->queue_id), d->window_ms, key_set, NULL) == NULL)
			log_warn("%s dedup key not kept", tx->queue_id);
		else if (srv->dedup_journal != NULL)
			dedup_journal_add(srv->dedup_journal, d->slots[i].key,
			    tx->queue_id, expires);
	}
}

/* dedup_dropped - see dedup.h */
unsigned
dedup_dropped(const struct smtp_tx *tx)
{
	return tx->dedup != NULL ? tx->dedup->ndropped : 0;
}
