/*
 * schema.h - what a row of a key table says, shared by the loader (conf.c)
 * and the files that own the tables (top, listen, message, smtp,
 * submission, backend, queue); not for use outside conf/ (tests aside).
 */
#ifndef SMSRELAY_CONF_SCHEMA_H
#define SMSRELAY_CONF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/conf.h"

/* libconfig's setting, named without its header: only conf.c includes it */
struct config_setting_t;
typedef struct config_setting_t	conf_setting;
/* one load under way: the file and where its error goes */
struct loader;

#define MINUTE		60U
#define HOUR		(60U * MINUTE)
#define DAY		(24U * HOUR)

/* what -n shows instead of a secret: still a valid value, never the secret */
#define SECRET_MASK	"********"

/*
 * The value types. The type of a row says how its value is read, printed by
 * -n, given its default (.def, scalars) and freed; a row's .parse or .print
 * takes over one of these for a value with rules of its own.
 */
enum ktype {
	K_END,		/* the row that ends a table */
	K_STRING,	/* char *, checked by .valid */
	K_STRLIST,	/* char **, count at .noff, each checked by .valid */
	K_UINT,		/* unsigned in [.min, .max] */
	K_DURATION,	/* unsigned seconds in [.min, .max] */
	K_DURATION_MS,	/* unsigned milliseconds in [.min, .max] */
	K_DURATIONS,	/* unsigned * seconds, count at .noff, each in range */
	K_SIZE,		/* size_t bytes in [.min, .max] */
	K_BOOL,		/* bool */
	K_ENUM,		/* an enum: the index of its name in .choices */
	K_CODES,	/* long *, count at .noff; non-NULL once set */
	K_CIDRS,	/* struct cidr *, count at .noff */
	K_KV,		/* struct kv *, count at .noff: a group of strings */
	K_GROUP,	/* the keys of a nested group, .sub, on base + .off */
	K_GROUPLIST,	/* ( { }, ... ): an array of .size elements, each .sub */
	K_SECTION	/* no key: the rows of .sub sit at this level */
};

#define KF_NONEMPTY	0x01	/* a list that needs at least one element */
#define KF_SECRET	0x02	/* -n shows SECRET_MASK, never the value */
#define KF_TERSE	0x04	/* -n leaves it out while it is 0 or empty */
#define KF_SHOW_EMPTY	0x08	/* -n shows it even when unset: "[ ]" */
#define KF_INLINE	0x10	/* -n prints the group on one line */

struct keydef;

/* a row's own reader: the setting into base, -1 with the error in ld */
typedef int	 conf_parse_fn(struct loader *, const conf_setting *,
		    const struct keydef *, void *base);
/* a row's own printer: the value only, as -n shows it */
typedef void	 conf_print_fn(FILE *, const struct keydef *, const void *base,
		    int depth);
/* the check of one element of a list of groups, once its keys are read */
typedef int	 conf_elem_fn(struct loader *, const conf_setting *,
		    void *elems, size_t i);
/* a rule over several keys or a default derived from others (see top.c) */
typedef int	 conf_rule_fn(struct loader *, const conf_setting *root,
		    struct conf *);

struct keydef {
	const char		 *name;
	enum ktype		  type;
	size_t			  off;		/* where the value goes */
	size_t			  noff;		/* where a list's count goes */
	uint64_t		  min, max;	/* numbers, durations, sizes */
	uint64_t		  def;		/* scalars: the default */
	const char		*(*valid)(const char *); /* NULL or why not */
	const char *const	 *choices;	/* K_ENUM, NULL-terminated */
	const struct keydef	 *sub;		/* groups, sections */
	size_t			  size;		/* K_GROUPLIST: one element */
	const char		 *example;	/* K_KV, K_GROUPLIST: in errors */
	conf_parse_fn		 *parse;	/* instead of the type's */
	conf_print_fn		 *print;	/* instead of the type's */
	conf_elem_fn		 *check;	/* K_GROUPLIST: each element */
	/*
	 * the key applies only when this holds: else -n leaves it out and
	 * conf_check_when refuses it ("not used with type = \"outbox\"")
	 */
	bool			(*when)(const void *base);
	unsigned		  flags;	/* KF_* */
};

#define OFF(member)	offsetof(struct conf, member)
/* where a backend key goes inside its struct backend_conf */
#define BOFF(member)	offsetof(struct backend_conf, member)

/* the top level (top.c) and the section of each part it holds */
extern const struct keydef	 conf_top_keys[];
extern const struct keydef	 conf_listen_section[];	/* listen.c */
extern const struct keydef	 conf_message_section[];	/* message.c */
extern const struct keydef	 conf_smtp_section[];	/* smtp.c */
extern const struct keydef	 conf_submission_section[]; /* submission.c */
extern const struct keydef	 conf_backend_section[];	/* backend.c */
extern const struct keydef	 conf_route_section[];	/* route.c */
extern const struct keydef	 conf_queue_section[];	/* queue.c */
extern const struct keydef	 conf_http_section[];	/* http.c */
extern const struct keydef	 conf_dedup_section[];	/* dedup.c */
extern const struct keydef	 conf_stats_section[];	/* delivery_stats.c */
/* "default", "always", "failures", "never": enum notify_default (queue.c) */
extern const char *const	 conf_notify_names[];
/* the cross-key checks, then the derived defaults, each list NULL-ended */
extern conf_rule_fn *const	 conf_checks[];
extern conf_rule_fn *const	 conf_fills[];

/* the rules and derived defaults of the parts, in the lists of top.c */
int	 conf_backend_check(struct loader *, const conf_setting *,
	    struct conf *);
/* the keys of type = "smpp" (backend_smpp.c), and their rules */
extern const struct keydef	 conf_smpp_keys[];
int	 conf_smpp_check(struct loader *, const conf_setting *grp,
	    struct backend_conf *);
int	 conf_bounce_check(struct loader *, const conf_setting *,
	    struct conf *);
int	 conf_tls_check(struct loader *, const conf_setting *, struct conf *);
int	 conf_listen_check(struct loader *, const conf_setting *,
	    struct conf *);
int	 conf_listen_fill(struct loader *, const conf_setting *,
	    struct conf *);
int	 conf_backend_fill(struct loader *, const conf_setting *,
	    struct conf *);
int	 conf_route_check(struct loader *, const conf_setting *,
	    struct conf *);
int	 conf_http_check(struct loader *, const conf_setting *,
	    struct conf *);
int	 conf_queue_fill(struct loader *, const conf_setting *, struct conf *);
/* conf_optout_fill - optout.file in the spool unless set (dedup.c) */
int	 conf_optout_fill(struct loader *, const conf_setting *, struct conf *);
/* conf_embedded - what the embedded default sets beyond the tables (top.c) */
int	 conf_embedded(struct loader *, const conf_setting *, struct conf *);

/* conf_new - a configuration holding every table default (conf.c) */
struct conf	*conf_new(void);
/* conf_defaults - every scalar of the table its row's default (conf.c) */
void	 conf_defaults(const struct keydef *, void *base);
/* conf_join - "a" + "b" in a new string, NULL without memory (conf.c) */
char	*conf_join(const char *, const char *);
/* conf_loopback - new list of 127.0.0.0/8 and ::1/128; -1 without memory */
int	 conf_loopback(struct cidr **, size_t *);

/* errors, reported "FILE:LINE: path: message"; each returns -1 */
int	 conf_fail(struct loader *, const conf_setting *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 conf_fail_key(struct loader *, const conf_setting *at,
	    const char *key, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
int	 conf_nomem(struct loader *);

/* reading settings for the rows' own readers and the rules */
int	 conf_get_string(struct loader *, const conf_setting *,
	    const char *(*valid)(const char *), const char **);
const conf_setting *conf_member(const conf_setting *, const char *name);
const conf_setting *conf_elem(const conf_setting *, size_t i);
/* conf_value_bool - 0 and the value if the setting is a boolean, else -1 */
int	 conf_value_bool(const conf_setting *, bool *);
/* conf_value_string - the value if the setting is a string, else NULL */
const char	*conf_value_string(const conf_setting *);
/*
 * conf_check_when - every member of the group whose row does not apply
 * (.when false on base) is an error on its line: "only used with ...", why
 */
int	 conf_check_when(struct loader *, const conf_setting *grp,
	    const struct keydef *keys, const void *base, const char *why);

/* validators shared by several tables: NULL, or why the value is refused */
const char	*conf_valid_text(const char *);		/* conf.c */
const char	*conf_valid_domain(const char *);	/* top.c */
const char	*conf_valid_prefix(const char *);	/* message.c */
const char	*conf_valid_quiet(const char *);	/* queue.c */
/* conf_has_scheme - "scheme://x" or "schemes://x" ("http", "smtp") */
bool	 conf_has_scheme(const char *, const char *scheme);

/* value spellings (value.c) */
int	 conf_parse_ms(const char *, uint64_t *ms);
void	 conf_fmt_duration(unsigned secs, char *, size_t);
void	 conf_fmt_duration_ms(unsigned ms, char *, size_t);
void	 conf_fmt_size(uint64_t bytes, char *, size_t);
void	 conf_put_string(FILE *, const char *);

#endif
