/*
 * phone.h - what Debian's libphonenumber knows about an E.164 number: in use
 * or why not, its type (mobile, landline...) and its region; C interface.
 */
#ifndef SMSRELAY_PHONE_H
#define SMSRELAY_PHONE_H

#ifdef __cplusplus
extern "C" {
#endif

/* why a number is not one in use; PHONE_VALID when it is */
enum phone_verdict {
	PHONE_VALID = 0,
	PHONE_NO_COUNTRY,	/* no country uses the calling code */
	PHONE_TOO_SHORT,	/* for every number of its country */
	PHONE_TOO_LONG,
	PHONE_BAD_LENGTH,	/* between lengths the country uses */
	PHONE_NOT_IN_USE,	/* right length, but no range in use */
};

/* libphonenumber's number types, under our names */
enum phone_type {
	PHONE_TYPE_UNKNOWN = 0,
	PHONE_TYPE_FIXED_LINE,
	PHONE_TYPE_MOBILE,
	PHONE_TYPE_FIXED_OR_MOBILE,	/* the ranges do not tell (US, CA) */
	PHONE_TYPE_TOLL_FREE,
	PHONE_TYPE_PREMIUM_RATE,
	PHONE_TYPE_SHARED_COST,
	PHONE_TYPE_VOIP,
	PHONE_TYPE_PERSONAL,
	PHONE_TYPE_PAGER,
	PHONE_TYPE_UAN,
	PHONE_TYPE_VOICEMAIL,
};

#define PHONE_REGION_LEN	2	/* ISO 3166 alpha-2: "DE" */

struct phone_info {
	enum phone_verdict	 verdict;
	enum phone_type		 type;		/* PHONE_TYPE_UNKNOWN unless valid */
	/* the number's region; for an invalid one its calling code's main one */
	char			 region[PHONE_REGION_LEN + 1];	/* "" if none */
};

/*
 * phone_check - e164 ("+4917012345678") as libphonenumber sees it; 0, or -1
 * when it is not even a number it can read (info says PHONE_NO_COUNTRY).
 * Thread-safe: the library's metadata is built once, then only read.
 */
int	 phone_check(const char *e164, struct phone_info *info);

/* phone_type_name - "mobile", "fixed line", "fixed line or mobile"... */
const char *phone_type_name(enum phone_type);

#ifdef __cplusplus
}
#endif

#endif
