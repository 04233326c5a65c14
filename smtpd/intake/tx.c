/*
 * tx.c - a mail transaction's recipients and its end: what it holds is
 * freed here, whichever step it ended in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/lookup.h"
#include "sms/convert/text.h"
#include "smtpd/intake/dedup.h"
#include "smtpd/intake/tx.h"
#include "smtpd/server.h"

/* tx_reset - see tx.h; a large message buffer is not kept for the next */
void
tx_reset(struct smtp_tx *tx)
{
	size_t i;

	for (i = 0; i < tx->nrcpts; i++) {
		free(tx->rcpts[i].addr);
		free(tx->rcpts[i].orcpt);
	}
	free(tx->sender);
	tx->sender = NULL;
	/* the session's strings: they may change before the next MAIL */
	tx->client = NULL;
	tx->helo = NULL;
	tx->user = NULL;
	tx->nrcpts = 0;
	tx->envid[0] = '\0';
	tx->ret = 0;
	tx->smtputf8 = 0;
	tx->release_at = 0;
	tx->too_big = 0;
	tx->bdat = 0;
	tx->data.len = 0;
	if (tx->data.cap > 1024 * 1024)
		buf_free(&tx->data);
	dedup_tx_free(tx->dedup);
	tx->dedup = NULL;
	if (tx->sms != NULL) {
		text_free(tx->sms);
		free(tx->sms);
		tx->sms = NULL;
	}
}

/* tx_free - see tx.h */
void
tx_free(struct smtp_tx *tx)
{
	check_cancel(&tx->check);
	tx_reset(tx);
	free(tx->rcpts);
	buf_free(&tx->data);
}

/* tx_user_conf - see tx.h */
const struct user_conf *
tx_user_conf(const struct smtp_tx *tx)
{
	return tx->user != NULL ? conf_user(tx->srv->conf, tx->user) : NULL;
}

/* tx_has_number - see tx.h: the same phone number twice gets one SMS */
bool
tx_has_number(const struct smtp_tx *tx, const char *e164)
{
	size_t i;

	for (i = 0; i < tx->nrcpts; i++)
		if (strcmp(tx->rcpts[i].e164, e164) == 0)
			return true;
	return false;
}

/* tx_add_rcpt - see tx.h */
int
tx_add_rcpt(struct smtp_tx *tx, const char *addr, size_t len,
    const char *e164, const char *orcpt, uint8_t notify)
{
	struct tx_rcpt	*tr;

	if (array_grow(&tx->rcpts, &tx->rcap, tx->nrcpts, sizeof(*tx->rcpts),
	    4) == -1)
		return -1;
	tr = &tx->rcpts[tx->nrcpts];
	memset(tr, 0, sizeof(*tr));
	snprintf(tr->e164, sizeof(tr->e164), "%s", e164);
	tr->notify = notify;
	if ((tr->addr = strndup(addr, len)) == NULL ||
	    (orcpt != NULL && orcpt[0] != '\0' &&
	    (tr->orcpt = strdup(orcpt)) == NULL)) {
		free(tr->addr);
		return -1;
	}
	tx->nrcpts++;
	return 0;
}

/* tx_drop_last_rcpt - see tx.h: a check refused it */
void
tx_drop_last_rcpt(struct smtp_tx *tx)
{
	struct tx_rcpt	*tr;

	if (tx->nrcpts == 0)
		return;
	tr = &tx->rcpts[--tx->nrcpts];
	free(tr->addr);
	free(tr->orcpt);
}
