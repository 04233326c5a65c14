/*
 * clean.h - what must not reach the phone: signatures, quoted replies and
 * forwarded threads, disclaimers, "Sent from my iPhone", invisible characters;
 * and the Retarus-style bracket commands of the subject line.
 */
#ifndef SMSRELAY_CLEAN_H
#define SMSRELAY_CLEAN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sms/lib/quiet.h"

struct clean_opts {
	bool		 signature;		/* cut from a "-- " line */
	bool		 quotes;		/* cut quoted replies and thread headers */
	bool		 mobile_signature;	/* drop "Sent from my iPhone" and kin */
	char *const	*disclaimer_markers;	/* cut from a line containing one */
	size_t		 ndisclaimer_markers;
};

enum clean_cut {
	CUT_SIGNATURE,		/* "-- " and what follows */
	CUT_QUOTE,		/* "> " lines, "On ... wrote:", Outlook header blocks */
	CUT_DISCLAIMER,		/* from a configured marker to the end */
	CUT_MOBILE,		/* "Sent from my iPhone", "Outlook for Android" ... */
};

#define CLEAN_REPORT_MAX	16

/* What was cut, for smsrelayctl convert and the debug log. */
struct clean_report {
	struct {
		enum clean_cut	 what;
		size_t		 lines;		/* lines removed */
		char		 first[80];	/* the first of them, UTF-8, cut short */
	}		 cuts[CLEAN_REPORT_MAX];
	size_t		 ncuts;
};

/*
 * clean_body - the body without what opts cut; always normalised: CRLF and CR
 * to LF, zero-width spaces (U+200B, U+2060, U+FEFF) and soft hyphens
 * removed, NBSP and other Unicode spaces to a space, trailing spaces of lines
 * dropped, runs of blank lines to one, leading and trailing blank lines
 * dropped, runs of spaces inside a line to one. The joiners U+200C and U+200D
 * and the ideographic space U+3000 stay (UCS-2 needs them; GSM-7 does not
 * carry them, see gsm_transliterate). NULL only on ENOMEM.
 */
char	*clean_body(const char *utf8, size_t len, const struct clean_opts *,
	    struct clean_report *);

const char *clean_cut_name(enum clean_cut);	/* "signature", "quote", ... */

/* Options given in the subject as [NAME:value] (Retarus compatible). */
struct subject_options {
	char		 src[17];	/* [SRC:x] sender id ("+" and 15 digits), "" if none */
	time_t		 send_at;	/* [JOBPERIOD:ISO-8601], 0 if none */
	unsigned	 validity_hours;	/* [VALIDITY:h], 0 if none */
	bool		 delivery_notification;	/* [DN:ON] */
	bool		 flash;		/* [FLASH:ON] */
	bool		 express;	/* [QOS:EXPRESS] */
	char		 quiet[QUIET_SPEC_MAX + 1];	/* [BLACKOUTPERIODS:], "" if none */
	bool		 duplicate_detection;	/* [DUPLICATEDETECTION:ON] */
	char		 customer_ref[64];	/* [CUSTOMERREF:x] */
	char		 billing_code[64];	/* [BC:x] */
	char		 error[128];	/* a malformed command, "" if none */
};

/*
 * subject_commands - the subject with every [NAME:value] command removed
 * (and the whitespace around it tidied); the options into *opts. Unknown
 * bracket texts that do not look like commands ("[Ticket 123]") stay.
 * NULL only on ENOMEM.
 */
char	*subject_commands(const char *subject, struct subject_options *opts);

#endif
