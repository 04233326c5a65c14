/*
 * phone.cc - the one file that speaks to libphonenumber (C++): an E.164
 * number's verdict, type and region for C callers, no exception escaping.
 */
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "sms/convert/phone.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

/* the library's bounds on a national significant number, and on input */
const size_t NSN_MIN = 2;
const size_t NSN_MAX = 17;
const size_t NUMBER_DIGITS_MAX = 1 + 3 + NSN_MAX;

/* verdict_of - why a number that parsed is not possible, or PHONE_VALID */
enum phone_verdict
verdict_of(PhoneNumberUtil::ValidationResult r)
{
	switch (r) {
	case PhoneNumberUtil::IS_POSSIBLE:
		return PHONE_VALID;
	case PhoneNumberUtil::INVALID_COUNTRY_CODE:
		return PHONE_NO_COUNTRY;
	/* an E.164 number has no area code to add: too short as it stands */
	case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
	case PhoneNumberUtil::TOO_SHORT:
		return PHONE_TOO_SHORT;
	case PhoneNumberUtil::TOO_LONG:
		return PHONE_TOO_LONG;
	case PhoneNumberUtil::INVALID_LENGTH:
		return PHONE_BAD_LENGTH;
	}
	return PHONE_NOT_IN_USE;
}

/* type_of - the library's type under our name */
enum phone_type
type_of(PhoneNumberUtil::PhoneNumberType t)
{
	switch (t) {
	case PhoneNumberUtil::FIXED_LINE:
		return PHONE_TYPE_FIXED_LINE;
	case PhoneNumberUtil::MOBILE:
		return PHONE_TYPE_MOBILE;
	case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
		return PHONE_TYPE_FIXED_OR_MOBILE;
	case PhoneNumberUtil::TOLL_FREE:
		return PHONE_TYPE_TOLL_FREE;
	case PhoneNumberUtil::PREMIUM_RATE:
		return PHONE_TYPE_PREMIUM_RATE;
	case PhoneNumberUtil::SHARED_COST:
		return PHONE_TYPE_SHARED_COST;
	case PhoneNumberUtil::VOIP:
		return PHONE_TYPE_VOIP;
	case PhoneNumberUtil::PERSONAL_NUMBER:
		return PHONE_TYPE_PERSONAL;
	case PhoneNumberUtil::PAGER:
		return PHONE_TYPE_PAGER;
	case PhoneNumberUtil::UAN:
		return PHONE_TYPE_UAN;
	case PhoneNumberUtil::VOICEMAIL:
		return PHONE_TYPE_VOICEMAIL;
	case PhoneNumberUtil::UNKNOWN:
		break;
	}
	return PHONE_TYPE_UNKNOWN;
}

/* set_region - a two-letter region; "ZZ" and "001" (non-geographic) are none */
void
set_region(struct phone_info *info, const std::string &r)
{
	info->region[0] = '\0';
	if (r.size() == PHONE_REGION_LEN && r != "ZZ") {
		info->region[0] = r[0];
		info->region[1] = r[1];
		info->region[2] = '\0';
	}
}

/*
 * e164_number - n from "+" and digits, as Parse would make it: the calling
 * code is the 1 to 3 digits the library knows (ITU codes are prefix-free),
 * leading zeros of the national number kept (Italy). Parse itself runs a
 * dozen regular expressions for free-form input; ours is already E.164,
 * and this took half of phone_check's time. -1 when Parse would refuse.
 */
int
e164_number(const PhoneNumberUtil *u, const char *e164, PhoneNumber *n)
{
	std::string region;
	size_t len, i, cc_len;
	int cc = 0;

	if (e164[0] != '+')
		return -1;
	for (len = 1; e164[len] != '\0'; len++)
		if (e164[len] < '0' || e164[len] > '9' || len > NUMBER_DIGITS_MAX)
			return -1;
	for (cc_len = 1; cc_len <= 3 && 1 + cc_len < len; cc_len++) {
		cc = cc * 10 + (e164[cc_len] - '0');
		u->GetRegionCodeForCountryCode(cc, &region);
		if (region != "ZZ")
			break;
	}
	if (cc_len > 3 || 1 + cc_len >= len || e164[1] == '0')
		return -1;
	const char *nsn = e164 + 1 + cc_len;
	size_t nsn_len = len - 1 - cc_len;
	if (nsn_len < NSN_MIN || nsn_len > NSN_MAX)
		return -1;
	uint64_t national = 0;
	for (i = 0; i < nsn_len; i++)
		national = national * 10 + (uint64_t)(nsn[i] - '0');
	n->set_country_code(cc);
	n->set_national_number(national);
	if (nsn[0] == '0') {
		int zeros = 1;
		n->set_italian_leading_zero(true);
		while ((size_t)zeros < nsn_len - 1 && nsn[zeros] == '0')
			zeros++;
		if (zeros > 1)
			n->set_number_of_leading_zeros(zeros);
	}
	return 0;
}

/* judge - n's verdict, type and region into info */
void
judge(const PhoneNumberUtil *u, const PhoneNumber &n, struct phone_info *info)
{
	std::string region;

	u->GetRegionCodeForCountryCode(n.country_code(), &region);
	set_region(info, region);
	info->type = PHONE_TYPE_UNKNOWN;
	info->verdict = verdict_of(u->IsPossibleNumberWithReason(n));
	if (info->verdict != PHONE_VALID)
		return;
	/*
	 * IsValidNumber is "GetNumberType is not UNKNOWN" for the number's own
	 * region, and each walks the type patterns: asking once halves it.
	 */
	PhoneNumberUtil::PhoneNumberType t = u->GetNumberType(n);
	if (t == PhoneNumberUtil::UNKNOWN) {
		info->verdict = PHONE_NOT_IN_USE;
		return;
	}
	u->GetRegionCodeForNumber(n, &region);
	set_region(info, region);
	info->type = type_of(t);
}

/* check - phone_check's work; may throw std::bad_alloc */
int
check(const char *e164, struct phone_info *info)
{
	const PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
	PhoneNumber quick, parsed;

	if (e164_number(u, e164, &quick) == 0) {
		judge(u, quick, info);
		if (info->verdict == PHONE_VALID)
			return 0;
	}
	/*
	 * What the quick reading finds wanting, Parse reads again: it also
	 * drops a national prefix after the calling code (+49 0170...) and
	 * rewrites local forms such as Argentina's 15, which may make a
	 * number valid.
	 */
	if (u->Parse(e164, "ZZ", &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) {
		info->verdict = PHONE_NO_COUNTRY;
		info->type = PHONE_TYPE_UNKNOWN;
		info->region[0] = '\0';
		return -1;
	}
	judge(u, parsed, info);
	return 0;
}

} /* namespace */

/*
 * The verdicts of recent numbers, per thread. One recipient is checked at
 * RCPT, again for its statistics row when accepted and when it ends, and
 * for its time zone under quiet hours: the library's pattern walk ran for
 * each. A number's verdict never changes (the metadata is built in), so a
 * small direct-mapped table answers the repeats; a clash only evicts.
 */
#define MEMO_SLOTS	1024
#define MEMO_NUMBER_MAX	24	/* "+" and up to 3 + 17 digits, NUL */

struct memo {
	char			 number[MEMO_NUMBER_MAX];	/* "" when empty */
	struct phone_info	 info;
	int			 rc;
};

namespace {
thread_local struct memo memo_table[MEMO_SLOTS];

/* memo_slot - e164's place in this thread's table; NULL if too long */
struct memo *
memo_slot(const char *e164)
{
	uint32_t	 h = 2166136261u;	/* FNV-1a */
	size_t		 i;

	for (i = 0; e164[i] != '\0'; i++) {
		if (i == MEMO_NUMBER_MAX - 1)
			return NULL;
		h = (h ^ (unsigned char)e164[i]) * 16777619u;
	}
	return &memo_table[h % MEMO_SLOTS];
}
} /* namespace */

/* phone_check - see phone.h */
extern "C" int
phone_check(const char *e164, struct phone_info *info)
{
	struct memo	*m = memo_slot(e164);
	int		 rc;

	if (m != NULL && strcmp(m->number, e164) == 0) {
		*info = m->info;
		return m->rc;
	}
	info->verdict = PHONE_NO_COUNTRY;
	info->type = PHONE_TYPE_UNKNOWN;
	info->region[0] = '\0';
	try {
		rc = check(e164, info);
	} catch (const std::exception &) {
		/* out of memory: C callers cannot take an exception */
		return -1;
	}
	if (m != NULL) {
		memcpy(m->number, e164, strlen(e164) + 1);
		m->info = *info;
		m->rc = rc;
	}
	return rc;
}

/* phone_type_name - see phone.h */
extern "C" const char *
phone_type_name(enum phone_type t)
{
	switch (t) {
	case PHONE_TYPE_FIXED_LINE:
		return "fixed line";
	case PHONE_TYPE_MOBILE:
		return "mobile";
	case PHONE_TYPE_FIXED_OR_MOBILE:
		return "fixed line or mobile";
	case PHONE_TYPE_TOLL_FREE:
		return "toll-free";
	case PHONE_TYPE_PREMIUM_RATE:
		return "premium rate";
	case PHONE_TYPE_SHARED_COST:
		return "shared cost";
	case PHONE_TYPE_VOIP:
		return "VoIP";
	case PHONE_TYPE_PERSONAL:
		return "personal";
	case PHONE_TYPE_PAGER:
		return "pager";
	case PHONE_TYPE_UAN:
		return "universal access";
	case PHONE_TYPE_VOICEMAIL:
		return "voicemail";
	case PHONE_TYPE_UNKNOWN:
		break;
	}
	return "unknown";
}
