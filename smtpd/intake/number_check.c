/*
 * number_check.c - a recipient number as libphonenumber judges it: one not
 * in use in its country, or a landline when numbers.refuse_fixed_line says so.
 *
 * Built without libphonenumber (configure found none: no HAVE_LIBPHONENUMBER),
 * only number.c's checks of form and length apply and this one says nothing.
 */
#include <stdio.h>

#include "conf/conf.h"
#include "smtpd/intake/check.h"
#ifdef HAVE_LIBPHONENUMBER
#include "sms/convert/phone.h"
#include "sms/convert/region.h"
#endif

#ifdef HAVE_LIBPHONENUMBER
/* country - "Germany", or a phrase when the code is no country's */
static const char *
country(const struct phone_info *info)
{
	return info->region[0] != '\0' ? region_name(info->region) :
	    "its country code";
}

/* invalid - the reason a number is not in use, for the 550 reply */
static int
invalid(const char *e164, const struct phone_info *info, struct verdict *v)
{
	const char	*why;

	switch (info->verdict) {
	case PHONE_TOO_SHORT:
		why = "too short for";
		break;
	case PHONE_TOO_LONG:
		why = "too long for";
		break;
	case PHONE_BAD_LENGTH:
		why = "not a valid length for";
		break;
	case PHONE_NOT_IN_USE:
		why = "not a number in use in";
		break;
	case PHONE_NO_COUNTRY:
	case PHONE_VALID:
	default:
		return verdict_set(v, 550, "5.1.1", "<%s>: no country uses its "
		    "country code", e164);
	}
	return verdict_set(v, 550, "5.1.1", "<%s>: %s %s", e164, why,
	    country(info));
}
#endif

/* check_number_kind - see check.h */
int
check_number_kind(const struct conf *c, const char *e164,
    struct verdict *v)
{
#ifdef HAVE_LIBPHONENUMBER
	struct phone_info info;

	if (!c->numbers.validate)
		return 0;
	if (phone_check(e164, &info) == -1 || info.verdict != PHONE_VALID)
		return invalid(e164, &info, v);
	/* FIXED_OR_MOBILE may well be a mobile (the US): never refused */
	if (c->numbers.refuse_fixed_line &&
	    info.type == PHONE_TYPE_FIXED_LINE)
		return verdict_set(v, 550, "5.1.1", "<%s>: is a landline "
		    "number and cannot receive SMS", e164);
#else
	(void)c;
	(void)e164;
	(void)v;
#endif
	return 0;
}
