/*
 * phone.cc - the one file that speaks to libphonenumber (C++): an E.164
 * number's verdict, type and region for C callers, no exception escaping.
 */
#include <exception>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "sms/convert/phone.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

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

/* check - phone_check's work; may throw std::bad_alloc */
int
check(const char *e164, struct phone_info *info)
{
	const PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
	PhoneNumber n;
	std::string region;

	if (u->Parse(e164, "ZZ", &n) != PhoneNumberUtil::NO_PARSING_ERROR)
		return -1;
	u->GetRegionCodeForCountryCode(n.country_code(), &region);
	set_region(info, region);
	info->verdict = verdict_of(u->IsPossibleNumberWithReason(n));
	if (info->verdict != PHONE_VALID)
		return 0;
	if (!u->IsValidNumber(n)) {
		info->verdict = PHONE_NOT_IN_USE;
		return 0;
	}
	u->GetRegionCodeForNumber(n, &region);
	set_region(info, region);
	info->type = type_of(u->GetNumberType(n));
	return 0;
}

} /* namespace */

/* phone_check - see phone.h */
extern "C" int
phone_check(const char *e164, struct phone_info *info)
{
	info->verdict = PHONE_NO_COUNTRY;
	info->type = PHONE_TYPE_UNKNOWN;
	info->region[0] = '\0';
	try {
		return check(e164, info);
	} catch (const std::exception &) {
		/* out of memory: C callers cannot take an exception */
		return -1;
	}
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
