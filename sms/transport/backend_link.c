/*
 * backend_link.c - the link state of a connection-oriented backend packed
 * in one relaxed atomic word: written by the backend's thread, read by views.
 *
 * Why relaxed is enough: the word is the whole message. No other memory is
 * published through it, so no reader needs to see anything written before
 * the store; each load sees some complete store (C11 atomics never tear),
 * which keeps ASan/TSan quiet and needs no lock on the SMPP thread.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "sms/transport/backend_link.h"
#include "sms/transport/smpp/pdu.h"

/*
 * bits 0-31: since (epoch seconds, unsigned: good until 2106);
 * 32-35: state; 36-39: why; 40-63: bind status (SMPP ones fit in 24 bits)
 */
#define SINCE_MASK	0xffffffffULL
#define STATUS_MASK	0xffffffULL

static uint64_t
pack(enum backend_link_state st, enum backend_link_why why, uint32_t status,
    int64_t since)
{
	return ((uint64_t)since & SINCE_MASK) | ((uint64_t)st & 0xf) << 32 |
	    ((uint64_t)why & 0xf) << 36 | ((uint64_t)status & STATUS_MASK) << 40;
}

static void
unpack(uint64_t w, struct backend_link_view *v)
{
	v->since = (int64_t)(w & SINCE_MASK);
	v->state = (enum backend_link_state)(w >> 32 & 0xf);
	v->why = (enum backend_link_why)(w >> 36 & 0xf);
	v->status = (uint32_t)(w >> 40 & STATUS_MASK);
}

void
backend_link_init(struct backend_link *l, enum backend_link_state st)
{
	atomic_init(&l->word, pack(st, LINK_WHY_NONE, 0, (int64_t)time(NULL)));
}

void
backend_link_bound(struct backend_link *l)
{
	atomic_store_explicit(&l->word, pack(BACKEND_LINK_BOUND,
	    LINK_WHY_NONE, 0, (int64_t)time(NULL)), memory_order_relaxed);
}

void
backend_link_unbound(struct backend_link *l, enum backend_link_why why,
    uint32_t status)
{
	struct backend_link_view	 was;
	int64_t				 since = (int64_t)time(NULL);

	/* only this backend's thread stores: load then store cannot race */
	unpack(atomic_load_explicit(&l->word, memory_order_relaxed), &was);
	if (was.state == BACKEND_LINK_UNBOUND)
		since = was.since;
	atomic_store_explicit(&l->word, pack(BACKEND_LINK_UNBOUND, why,
	    status, since), memory_order_relaxed);
}

void
backend_link_read(const struct backend_link *l, struct backend_link_view *v)
{
	if (l == NULL) {
		*v = (struct backend_link_view){ .state = BACKEND_LINK_NONE };
		return;
	}
	unpack(atomic_load_explicit(&l->word, memory_order_relaxed), v);
}

const char *
backend_link_name(enum backend_link_state st)
{
	switch (st) {
	case BACKEND_LINK_BINDING:
		return "binding";
	case BACKEND_LINK_BOUND:
		return "bound";
	case BACKEND_LINK_UNBOUND:
		return "unbound";
	case BACKEND_LINK_NONE:
		break;
	}
	return "-";
}

void
backend_link_reason(const struct backend_link_view *v, char *out,
    size_t len)
{
	const char	*what = "";

	switch (v->why) {
	case LINK_WHY_REFUSED:
		snprintf(out, len, "bind refused %s",
		    smpp_status_name(v->status));
		return;
	case LINK_WHY_CONNECT:
		what = "cannot connect";
		break;
	case LINK_WHY_UNANSWERED:
		what = "no answer to the bind";
		break;
	case LINK_WHY_LOST:
		what = "session lost";
		break;
	case LINK_WHY_NONE:
		break;
	}
	snprintf(out, len, "%s", what);
}

void
backend_link_text(const struct backend_link_view *v, int64_t now, char *out,
    size_t len)
{
	char	 why[64];

	if (v->state == BACKEND_LINK_NONE) {
		snprintf(out, len, "-");
		return;
	}
	backend_link_reason(v, why, sizeof(why));
	snprintf(out, len, "%s %" PRId64 "s%s%s", backend_link_name(v->state),
	    now > v->since ? now - v->since : 0, why[0] != '\0' ? ": " : "",
	    why);
}
