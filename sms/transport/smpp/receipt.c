/*
 * receipt.c - delivery receipts read from a deliver_sm: the TLVs of SMPP 3.4
 * or the Appendix B text however an SMSC spells it, and a message id's forms.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sms/lib/ascii.h"
#include "sms/transport/smpp/receipt.h"

/* the keys of the Appendix B text; a space in one stands for [ _]* */
enum text_key { KEY_ID, KEY_SUB, KEY_DLVRD, KEY_SUBMIT, KEY_DONE, KEY_STAT,
	KEY_ERR, KEY_TEXT, KEY_COUNT };

static const char *const text_keys[KEY_COUNT] = {
	"id", "sub", "dlvrd", "submit date", "done date", "stat", "err", "text"
};

/* a value of the text: into the short_message, NULL when not given */
struct text_value {
	const unsigned char	*s;
	size_t			 n;
};

/* the words of stat: and the names of message_state, to one report */
static const struct {
	const char	*word;
	const char	*stat;		/* as Appendix B spells it */
	enum sms_report	 report;
} stat_words[] = {
	{ "DELIVRD", "DELIVRD", SMS_REPORT_DELIVERED },
	{ "DELIVERED", "DELIVRD", SMS_REPORT_DELIVERED },
	{ "EXPIRED", "EXPIRED", SMS_REPORT_EXPIRED },
	/* deleted by the SMSC: final, never delivered */
	{ "DELETED", "DELETED", SMS_REPORT_UNDELIVERABLE },
	{ "UNDELIV", "UNDELIV", SMS_REPORT_UNDELIVERABLE },
	{ "UNDELIVERABLE", "UNDELIV", SMS_REPORT_UNDELIVERABLE },
	{ "UNDELIVERED", "UNDELIV", SMS_REPORT_UNDELIVERABLE },
	/* accepted on the customer's behalf, not yet on the handset */
	{ "ACCEPTD", "ACCEPTD", SMS_REPORT_ENROUTE },
	{ "ACCEPTED", "ACCEPTD", SMS_REPORT_ENROUTE },
	{ "UNKNOWN", "UNKNOWN", SMS_REPORT_UNKNOWN },
	{ "REJECTD", "REJECTD", SMS_REPORT_REJECTED },
	{ "REJECTED", "REJECTD", SMS_REPORT_REJECTED },
	{ "ENROUTE", "ENROUTE", SMS_REPORT_ENROUTE },
};

/* message_state 1..8 (section 5.2.28) as its row in stat_words */
static const char *const state_stats[] = {
	NULL, "ENROUTE", "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD",
	"UNKNOWN", "REJECTD"
};

/* is_blank - what separates the fields of the text */
static bool
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * key_at - where the value of key starts if s[i..n) is "key:" (ASCII case
 * ignored, blanks around the colon, "done_date" as "done date"), else 0
 */
static size_t
key_at(const unsigned char *s, size_t n, size_t i, const char *key)
{
	for (; *key != '\0'; key++) {
		if (*key == ' ') {
			while (i < n && (s[i] == ' ' || s[i] == '_'))
				i++;
			continue;
		}
		if (i >= n || ascii_lower(s[i]) != (unsigned char)*key)
			return 0;
		i++;
	}
	while (i < n && is_blank(s[i]))
		i++;
	if (i >= n || s[i] != ':')
		return 0;
	return i + 1;
}

/* any_key_at - the key s[i..) starts with, or KEY_COUNT; *value after it */
static enum text_key
any_key_at(const unsigned char *s, size_t n, size_t i, size_t *value)
{
	int	 k;

	for (k = 0; k < KEY_COUNT; k++)
		if ((*value = key_at(s, n, i, text_keys[k])) != 0)
			return (enum text_key)k;
	return KEY_COUNT;
}

/*
 * value_at - the word from s[i]: blanks skipped, up to a blank or NUL; empty
 * when the blanks lead to the next key ("err: stat:DELIVRD"). Returns
 * where the scan goes on.
 */
static size_t
value_at(const unsigned char *s, size_t n, size_t i, struct text_value *v)
{
	size_t	 start = i, ignored;

	while (i < n && is_blank(s[i]))
		i++;
	v->s = s + i;
	v->n = 0;
	if (i > start && any_key_at(s, n, i, &ignored) != KEY_COUNT)
		return i;
	while (i + v->n < n && !is_blank(s[i + v->n]) && s[i + v->n] != '\0')
		v->n++;
	return i + v->n;
}

/* text_scan - the values of the keys before "text:", the first of each */
static void
text_scan(const unsigned char *s, size_t n, struct text_value *vals)
{
	struct text_value	 v;
	enum text_key		 k;
	size_t			 i = 0, value;

	memset(vals, 0, KEY_COUNT * sizeof(*vals));
	while (i < n) {
		if ((i > 0 && !is_blank(s[i - 1])) ||
		    (k = any_key_at(s, n, i, &value)) == KEY_COUNT) {
			i++;
			continue;
		}
		/* what the user wrote must not be read as fields */
		if (k == KEY_TEXT)
			return;
		i = value_at(s, n, value, &v);
		if (vals[k].s == NULL)
			vals[k] = v;
	}
}

/* copy_value - v into dst (cap octets with the NUL); false if it is longer */
static bool
copy_value(char *dst, size_t cap, const unsigned char *s, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/* stat_set - the report of a stat: word, UNKNOWN for a word not known */
static void
stat_set(struct smpp_receipt *rc, const unsigned char *word, size_t n)
{
	size_t	 i;

	for (i = 0; i < sizeof(stat_words) / sizeof(stat_words[0]); i++)
		if (ascii_iequal(word, n, stat_words[i].word)) {
			rc->state = stat_words[i].report;
			(void)strcpy(rc->stat, stat_words[i].stat);
			return;
		}
	/* a receipt, final or not we cannot tell: kept as given for logs */
	rc->state = SMS_REPORT_UNKNOWN;
	(void)copy_value(rc->stat, sizeof(rc->stat), word,
	    n < sizeof(rc->stat) ? n : sizeof(rc->stat) - 1);
}

/* tlv_id - receipted_message_id, its NUL optional; false if absent */
static bool
tlv_id(const struct smpp_pdu *pdu, struct smpp_receipt *rc)
{
	const struct smpp_tlv	*t;
	const uint8_t		*nul;
	size_t			 n;

	if ((t = smpp_tlv_find(pdu, SMPP_TLV_RECEIPTED_MESSAGE_ID)) == NULL ||
	    t->value == NULL)
		return false;
	n = t->len;
	if ((nul = memchr(t->value, '\0', n)) != NULL)
		n = (size_t)(nul - t->value);
	return n > 0 && copy_value(rc->id, sizeof(rc->id), t->value, n);
}

/* tlv_state - message_state; false if absent or out of range */
static bool
tlv_state(const struct smpp_pdu *pdu, struct smpp_receipt *rc)
{
	const struct smpp_tlv	*t;
	const char		*stat;

	if ((t = smpp_tlv_find(pdu, SMPP_TLV_MESSAGE_STATE)) == NULL ||
	    t->len != 1 || t->value == NULL ||
	    t->value[0] < SMPP_STATE_ENROUTE ||
	    t->value[0] > SMPP_STATE_REJECTED)
		return false;
	stat = state_stats[t->value[0]];
	stat_set(rc, (const unsigned char *)stat, strlen(stat));
	return true;
}

/* tlv_err - network_error_code: type, then the 16-bit code written "%03u" */
static bool
tlv_err(const struct smpp_pdu *pdu, struct smpp_receipt *rc)
{
	const struct smpp_tlv	*t;

	if ((t = smpp_tlv_find(pdu, SMPP_TLV_NETWORK_ERROR_CODE)) == NULL ||
	    t->len != 3 || t->value == NULL)
		return false;
	(void)snprintf(rc->err, sizeof(rc->err), "%03u",
	    (unsigned)(t->value[1] << 8 | t->value[2]));
	return true;
}

/* digits - the number s[0..n) of decimal digits, -1 if it is not one */
static int
digits(const unsigned char *s, size_t n)
{
	int	 v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!ascii_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* days_before_year - days from 1970-01-01 to January 1st of year (>= 1970) */
static int64_t
days_before_year(int year)
{
	int	 y = year - 1;

	return (int64_t)365 * (year - 1970) + (y / 4 - 1969 / 4) -
	    (y / 100 - 1969 / 100) + (y / 400 - 1969 / 400);
}

/*
 * done_date - YYMMDDhhmm or YYMMDDhhmmss (UTC, 20YY) as epoch seconds, 0
 * if it is neither or names no moment
 */
static int64_t
done_date(const unsigned char *s, size_t n)
{
	static const int	 before[12] = { 0, 31, 59, 90, 120, 151, 181,
	    212, 243, 273, 304, 334 };
	static const int	 mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			 yy, mo, dd, hh, mi, ss = 0;
	bool			 leap;

	if (n != 10 && n != 12)
		return 0;
	yy = 2000 + digits(s, 2);
	mo = digits(s + 2, 2);
	dd = digits(s + 4, 2);
	hh = digits(s + 6, 2);
	mi = digits(s + 8, 2);
	if (n == 12)
		ss = digits(s + 10, 2);
	if (yy < 2000 || mo < 1 || mo > 12 || dd < 1 || dd > mdays[mo - 1] ||
	    hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
		return 0;
	leap = yy % 4 == 0 && (yy % 100 != 0 || yy % 400 == 0);
	if (mo == 2 && dd == 29 && !leap)
		return 0;
	return ((days_before_year(yy) + before[mo - 1] +
	    (leap && mo > 2 ? 1 : 0) + dd - 1) * 24 + hh) * 3600 +
	    (int64_t)mi * 60 + ss;
}

/* receipt_text - short_message, or message_payload when that is empty */
static void
receipt_text(const struct smpp_pdu *pdu, const unsigned char **s, size_t *n)
{
	const struct smpp_tlv	*t;

	*s = NULL;
	*n = 0;
	if (pdu->body.sm.sm_length > 0 && pdu->body.sm.short_message != NULL) {
		*s = pdu->body.sm.short_message;
		*n = pdu->body.sm.sm_length;
	} else if ((t = smpp_tlv_find(pdu, SMPP_TLV_MESSAGE_PAYLOAD)) != NULL &&
	    t->value != NULL) {
		*s = t->value;
		*n = t->len;
	}
}

/* raw_append - s with every byte outside printable ASCII as \xHH */
static void
raw_append(char *raw, size_t cap, const char *s)
{
	size_t	 off = strlen(raw);

	for (; *s != '\0' && off + 5 <= cap; s++) {
		unsigned char	 c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			raw[off++] = (char)c;
		else
			off += (size_t)snprintf(raw + off, cap - off, "\\x%02x",
			    c);
	}
	raw[off] = '\0';
}

/* raw_summary - "stat:DELIVRD err:000", the err left out when not given */
static void
raw_summary(struct smpp_receipt *rc)
{
	(void)strcpy(rc->raw, "stat:");
	raw_append(rc->raw, sizeof(rc->raw), rc->stat);
	if (rc->err[0] != '\0') {
		raw_append(rc->raw, sizeof(rc->raw), " err:");
		raw_append(rc->raw, sizeof(rc->raw), rc->err);
	}
}

/* smpp_receipt_parse - see receipt.h; data_sm receipts are read alike */
int
smpp_receipt_parse(const struct smpp_pdu *pdu, struct smpp_receipt *rc)
{
	struct text_value	 vals[KEY_COUNT];
	const unsigned char	*text;
	size_t			 len;
	bool			 have_id, have_state;

	memset(rc, 0, sizeof(*rc));
	if ((pdu->command_id != SMPP_DELIVER_SM &&
	    pdu->command_id != SMPP_DATA_SM) ||
	    (pdu->body.sm.esm_class & SMPP_ESM_TYPE_MASK) !=
	    SMPP_ESM_DELIVERY_RECEIPT)
		return -1;
	receipt_text(pdu, &text, &len);
	text_scan(text, len, vals);
	have_id = tlv_id(pdu, rc) || (vals[KEY_ID].n > 0 &&
	    copy_value(rc->id, sizeof(rc->id), vals[KEY_ID].s, vals[KEY_ID].n));
	have_state = tlv_state(pdu, rc);
	if (!have_state && vals[KEY_STAT].n > 0) {
		stat_set(rc, vals[KEY_STAT].s, vals[KEY_STAT].n);
		have_state = true;
	}
	if (!have_id || !have_state) {
		memset(rc, 0, sizeof(*rc));
		return -1;
	}
	if (!tlv_err(pdu, rc) && vals[KEY_ERR].n > 0)
		(void)copy_value(rc->err, sizeof(rc->err), vals[KEY_ERR].s,
		    vals[KEY_ERR].n < sizeof(rc->err) ? vals[KEY_ERR].n :
		    sizeof(rc->err) - 1);
	rc->done = done_date(vals[KEY_DONE].s, vals[KEY_DONE].n);
	raw_summary(rc);
	return 0;
}

/* add_form - form unless it is empty, already there or there is no room */
static void
add_form(char (*forms)[SMPP_ID_MAX], size_t max, size_t *n, const char *form)
{
	size_t	 i;

	if (*n >= max || form[0] == '\0')
		return;
	for (i = 0; i < *n; i++)
		if (strcmp(forms[i], form) == 0)
			return;
	(void)strcpy(forms[(*n)++], form);
}

/* parse_base - id as a number in base 10 or 16; false if not or too big */
static bool
parse_base(const char *id, unsigned base, uint64_t *v)
{
	int	 d;

	*v = 0;
	for (; *id != '\0'; id++) {
		d = base == 16 ? ascii_hex((unsigned char)*id) :
		    ascii_digit((unsigned char)*id) ? *id - '0' : -1;
		if (d < 0 || *v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		*v = *v * base + (uint64_t)d;
	}
	return true;
}

/* smpp_id_forms - see receipt.h */
size_t
smpp_id_forms(const char *id, char (*forms)[SMPP_ID_MAX], size_t max)
{
	char		 form[SMPP_ID_MAX];
	const char	*stripped;
	uint64_t	 v;
	size_t		 n = 0, i;

	if (id == NULL || id[0] == '\0' || strlen(id) >= SMPP_ID_MAX)
		return 0;
	add_form(forms, max, &n, id);
	/* "000" is the number 0 */
	for (stripped = id; stripped[0] == '0' && stripped[1] != '\0';
	    stripped++)
		;
	add_form(forms, max, &n, stripped);
	for (i = 0; id[i] != '\0'; i++)
		form[i] = (char)ascii_lower((unsigned char)id[i]);
	form[i] = '\0';
	add_form(forms, max, &n, form);
	add_form(forms, max, &n, form + (stripped - id));
	if (parse_base(id, 16, &v)) {
		(void)snprintf(form, sizeof(form), "%" PRIu64, v);
		add_form(forms, max, &n, form);
	}
	if (parse_base(id, 10, &v)) {
		(void)snprintf(form, sizeof(form), "%" PRIx64, v);
		add_form(forms, max, &n, form);
	}
	return n;
}
