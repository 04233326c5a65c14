/*
 * intake.h - a message's way in at the end of DATA: converted to SMS text,
 * checked (the header's originators, then what may answer later), submitted
 * to the queue, charged against the rate limits.
 */
#ifndef SMSRELAY_INTAKE_H
#define SMSRELAY_INTAKE_H

#include "smtpd/intake/check.h"
#include "smtpd/intake/tx.h"

/* What the intake tells its caller, never from inside intake_message(). */
struct intake_events {
	/*
	 * checked - the checks that waited have answered: v refuses the
	 * message, or (code 0) it is submitted and committed follows
	 */
	void	(*checked)(void *arg, const struct verdict *v);
	/*
	 * committed - the queue's answer: NULL once the message is durable
	 * (tx->queue_id, parts, encoding describe it), else the refusal
	 */
	void	(*committed)(void *arg, const struct verdict *refusal);
};

enum intake_step {
	INTAKE_REFUSED,		/* the refusal is in *v */
	INTAKE_WAITING,		/* a check waits: checked() comes */
	INTAKE_SUBMITTED,	/* in the queue: committed() comes */
};

/*
 * intake_message - the end of DATA for tx, as far as it goes now. Whatever
 * the step, tx_reset() after the last answer frees what it made.
 */
enum intake_step intake_message(struct smtp_tx *, struct verdict *v,
	    const struct intake_events *, void *arg);

#endif
