/*
 * conf.h - the effective configuration: libconfig file or embedded default,
 * validated with FILE:LINE errors. Durations are seconds, sizes bytes.
 */
#ifndef SMSRELAY_CONF_H
#define SMSRELAY_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

enum subject_mode { SUBJECT_PREPEND, SUBJECT_IGNORE, SUBJECT_ONLY };
enum overflow { OVERFLOW_TRUNCATE, OVERFLOW_REFUSE };
/* GSM-7 look-alikes: none, typography only, or letters and symbols too */
enum translit_mode { TRANSLIT_OFF, TRANSLIT_TYPOGRAPHY, TRANSLIT_LETTERS };
enum backend_type { BACKEND_OUTBOX, BACKEND_HTTP, BACKEND_SMPP };
/* bind = "transceiver" or "transmitter_receiver" (names apart from pdu.h's) */
enum smpp_bind_mode { SMPP_BIND_MODE_TRANSCEIVER,
	SMPP_BIND_MODE_TRANSMITTER_RECEIVER };
/* how an SMS longer than one part travels: UDH, SAR TLVs, message_payload */
enum smpp_long { SMPP_LONG_UDH, SMPP_LONG_SAR, SMPP_LONG_PAYLOAD };
enum http_format { HTTP_FORMAT_JSON, HTTP_FORMAT_FORM };
enum http_auth { HTTP_AUTH_NONE, HTTP_AUTH_BASIC, HTTP_AUTH_BEARER };
/* who may see /status and /metrics (smtpd/http/admin_access.c) */
enum http_admin { HTTP_ADMIN_LOOPBACK, HTTP_ADMIN_USERS };

struct cidr {
	int			 family;	/* AF_INET or AF_INET6 */
	unsigned char		 addr[16];
	unsigned		 prefixlen;
};

enum listen_tls { LISTEN_TLS_NONE, LISTEN_TLS_STARTTLS, LISTEN_TLS_IMPLICIT };
enum starttls_mode { STARTTLS_OPTIONAL, STARTTLS_REQUIRED };
/* AUTH on a listener: offered (relay_networks may still send without), required, or never offered */
enum listen_auth { LISTEN_AUTH_OPTIONAL, LISTEN_AUTH_REQUIRED, LISTEN_AUTH_NONE };

struct listen_conf {
	char			*address;	/* "host:port" or "[v6]:port" as written */
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	enum listen_tls		 tls;
	enum starttls_mode	 starttls;	/* required: no MAIL/AUTH before it */
	enum listen_auth	 auth;
	bool			 proxy;		/* a PROXY v2 header comes first */
	struct cidr		*proxy_from;	/* who may send it; default loopback */
	size_t			 nproxy_from;
};

/* rate limits; 0 means no limit */
struct rate_limits {
	unsigned		 messages_per_minute;
	unsigned		 parts_per_day;
};

/*
 * What the sender hears of an SMS when the mail's RCPT said no NOTIFY:
 * as the sender domain's default (NONE), of every outcome, of failures
 * only, or nothing; [DN:ON] in the subject asks for ALWAYS.
 */
enum notify_default { NOTIFY_DEFAULT_NONE, NOTIFY_DEFAULT_ALWAYS,
	NOTIFY_DEFAULT_FAILURES, NOTIFY_DEFAULT_NEVER };
/* what a final report the provider cannot name ("unknown") counts as */
enum report_unknown { REPORT_UNKNOWN_FAILED, REPORT_UNKNOWN_DELIVERED };

/* the notification default for mail from a domain (and its subdomains) */
struct notify_domain_conf {
	char			*domain;
	enum notify_default	 notify;
};

/* what one authenticated user may do (the password is in auth.users_file) */
struct user_conf {
	char			*name;
	char		       **senders;	/* "a@b.example", "*@b.example"; none: any */
	size_t			 nsenders;
	char			*sender_id;	/* NULL: by sender domain, then backend.from */
	char		       **allow_prefixes;	/* none: numbers.allow_prefixes only */
	size_t			 nallow_prefixes;
	struct rate_limits	 limits;	/* a 0 field falls back to limits.user */
	enum notify_default	 notify;	/* NONE: by sender domain */
	char			*quiet_hours;	/* NULL: by sender domain */
};

/* the quiet hours of SMS from a domain (and its subdomains) */
struct quiet_sender_conf {
	char			*domain;
	char			*quiet_hours;	/* "21:00-08:00,sat,sun", "none" */
};

/* the sender id for mail from a domain ("example.com": "ACME") */
struct sender_id_conf {
	char			*domain;
	char			*sender_id;
};

struct kv {
	char			*key;
	char			*value;		/* may hold {to} {from} {text} {id} {parts} */
};

struct http_conf {
	char			*profile;	/* "generic", "twilio", "vonage", ... */
	char			*url;		/* template, placeholders URL-encoded */
	char			*method;
	enum http_format	 format;
	struct kv		*fields;	/* body fields, template values */
	size_t			 nfields;
	char		       **headers;	/* "Name: value" */
	size_t			 nheaders;
	enum http_auth		 auth;
	char			*user;		/* basic */
	char			*password;	/* basic */
	char			*token;		/* bearer */
	char			*id_field;	/* JSON member holding the provider id */
	char			*code_field;	/* JSON member holding the error code */
	char			*message_field;	/* JSON member holding the error text */
	/* the code lists are NULL when unset (profile default), non-NULL if set */
	long			*permanent_codes;	/* provider codes that are permanent */
	size_t			 npermanent_codes;
	long			*temporary_codes;	/* provider codes that are temporary */
	size_t			 ntemporary_codes;
	long			*invalid_number_codes;	/* permanent: the number cannot take SMS */
	size_t			 ninvalid_number_codes;
	long			*blocked_codes;	/* permanent: blocked, opted out */
	size_t			 nblocked_codes;
	unsigned		 timeout;	/* seconds per request */
	unsigned		 max_connections;
	/* authenticates delivery report callbacks (sms/transport/callback/) */
	char			*callback_secret;
};

/* an SMSC over SMPP 3.4 (sms/transport/smpp/) */
struct smpp_conf {
	char			*url;		/* smpp://host:port, smpps:// */
	char			*system_id;
	char			*password;
	char			*system_type;
	char			*service_type;
	char			*address_range;
	unsigned		 addr_ton;	/* of address_range */
	unsigned		 addr_npi;
	enum smpp_bind_mode	 bind;
	enum smpp_long		 long_messages;
	bool			 gsm7_packed;	/* data_coding 0 as packed septets */
	unsigned		 window;	/* submit_sm without a resp */
	unsigned		 enquire_link;	/* seconds of quiet before one */
	unsigned		 response_timeout;	/* seconds for any resp */
	unsigned		 reconnect_max;	/* longest wait between binds */
	char			*ca_file;	/* smpps: trust these, not the system's */
	bool			 tls_verify;	/* smpps: check certificate and name */
};

/* one backend: `backend = { }` (named "default") or an element of backends */
struct backend_conf {
	char			*name;		/* [A-Za-z0-9_-], unique */
	enum backend_type	 type;
	char			*path;		/* outbox file */
	char			*from;		/* default sender id */
	unsigned		 max_in_flight;	/* SMS at the provider at once */
	unsigned		 rate;		/* SMS parts per second; 0: no limit */
	unsigned		 burst;		/* parts the bucket holds */
	unsigned		 down_after;	/* consecutive failures; 0: never down */
	unsigned		 probe_interval;	/* first wait before a probe */
	struct http_conf	 http;
	struct smpp_conf	 smpp;
};

/*
 * A route: SMS to a number with one of its prefixes (none: any) from one of
 * its senders (none: any) go to its backends, the first healthy one first.
 */
struct route_conf {
	char		       **prefixes;	/* "+49"; longest match wins */
	size_t			 nprefixes;
	char		       **senders;	/* "a@b.example", "@b.example" */
	size_t			 nsenders;
	char		       **backends;	/* names in conf->backends */
	size_t			 nbackends;
};

struct conf {
	char			*file;		/* NULL: embedded default */
	char			*hostname;
	struct listen_conf	*listen;
	size_t			 nlisten;
	char		       **domains;	/* "*" accepts every domain */
	size_t			 ndomains;
	struct cidr		*relay_networks;
	size_t			 nrelay_networks;

	struct {
		char		*default_country;	/* digits, e.g. "49" */
		char	       **allow_prefixes;	/* "+49", ...; none: all */
		size_t		 nallow_prefixes;
		bool		 validate;	/* libphonenumber: in use? */
		bool		 refuse_fixed_line;	/* 550 for a landline */
		enum multi_zone { MULTI_ZONE_LATEST, MULTI_ZONE_EARLIEST }
				 multi_zone;	/* quiet hours, several zones */
	} numbers;

	struct {
		enum subject_mode subject;
		char		*template;	/* NULL: derived from subject */
		unsigned	 max_parts;
		enum overflow	 overflow;	/* past max_parts */
		bool		 strip_signature;
		bool		 strip_quotes;
		bool		 strip_mobile_signature;
		char	       **disclaimer_markers;	/* cut from such a line */
		size_t		 ndisclaimer_markers;
		enum translit_mode transliterate; /* look-alikes for GSM-7 */
		bool		 bracket_commands;	/* [NAME:value] in subject */
	} message;

	struct {
		unsigned	 max_recipients;
		size_t		 max_message_size;
		unsigned	 max_sessions;
		unsigned	 max_sessions_per_client;
		unsigned	 idle_timeout;		/* for a whole command line */
		unsigned	 data_timeout;		/* DATA without a byte */
		unsigned	 min_data_rate;		/* DATA bytes/s after 1 s; 0: off */
		unsigned	 tls_handshake_timeout;	/* the whole handshake */
		unsigned	 max_errors;
		unsigned	 soft_error_limit;	/* errors before replies slow down */
		unsigned	 error_delay_ms;	/* pause before each reply after that */
		bool		 forbid_unauth_pipelining;
		unsigned	 greet_pause_ms;	/* wait, then refuse early talkers */
	} smtp;

	char			*spool;
	char			*control_socket;
	char			*run_as;	/* user to become when started as root */

	struct {
		char		*certificate;	/* PEM chain; NULL: no TLS listeners */
		char		*key;
		char		*ciphers;	/* TLS 1.2 cipher list */
		char		*ciphersuites;	/* TLS 1.3 */
		enum tls_min { TLS_MIN_1_2, TLS_MIN_1_3 } min_version;
	} tls;

	struct {
		char		*users_file;	/* "name:hash" lines; NULL: no AUTH */
		bool		 on_loopback;	/* offer AUTH without TLS on loopback */
		bool		 broken_clients;	/* also say "AUTH=PLAIN LOGIN" */
		unsigned	 max_failures;	/* per client address and window */
		unsigned	 failure_window;
		unsigned	 workers;	/* threads checking hashes */
	} auth;

	struct user_conf	*users;
	size_t			 nusers;
	struct sender_id_conf	*sender_ids;
	size_t			 nsender_ids;
	struct {
		struct rate_limits user;	/* per authenticated user */
		struct rate_limits client;	/* per client address */
		struct rate_limits number;	/* per destination number */
	} limits;

	struct backend_conf	 backend;	/* the single backend, named "default" */
	struct backend_conf	*backends;	/* or several, named */
	size_t			 nbackends;
	struct route_conf	*routes;	/* none: every SMS to all backends in order */
	size_t			 nroutes;

	struct {
		unsigned	*retry;		/* delays; the last one repeats */
		size_t		 nretry;
		unsigned	 lifetime;
		unsigned	 commit_delay_ms;	/* group commit window */
		size_t		 min_free;	/* spool reserve for accepted mail */
		char		*quiet_hours;	/* sms/lib/quiet.h; NULL: none */
		struct quiet_sender_conf *quiet_senders;	/* by sender domain */
		size_t		 nquiet_senders;
		unsigned	 max_hold;	/* RFC 4865 FUTURERELEASE; 0: off */
		unsigned	 active_limit;	/* messages in memory; the rest on disk */
		size_t		 segment_size;	/* journal segment files */
	} queue;

	/* the HTTP listener: provider callbacks (smtpd/http/) */
	struct {
		char		*listen;	/* "127.0.0.1:8025"; NULL: none */
		struct sockaddr_storage ss;
		socklen_t	 sslen;
		char		*public_url;	/* what providers call; NULL: no reports asked */
		bool		 tls;		/* TLS with tls.certificate */
		size_t		 max_body;	/* bytes of a request body */
		unsigned	 max_connections;
		unsigned	 timeout;	/* seconds a connection may idle */
		unsigned	 rate;		/* requests per second, all clients */
		unsigned	 burst;		/* requests the bucket holds */
		enum http_admin	 admin;		/* who may see the admin pages */
	} http;

	struct {
		bool		 enabled;	/* wait for the handset's report */
		unsigned	 wait;		/* at most this long after the send */
		unsigned	 delay_after;	/* NOTIFY=DELAY: one DSN after this */
		enum report_unknown unknown;
		struct notify_domain_conf *senders;	/* defaults per domain */
		size_t		 nsenders;
	} reports;

	struct {
		char		*smarthost;	/* smtp://host:port, smtps://...; NULL: outbox */
		char		*from;		/* header From: of DSNs */
		char		*user;
		char		*password;
		bool		 starttls;
	} bounce;

	struct {
		bool		 syslog;
		bool		 verbose;
	} log;

	struct {
		unsigned	 window;	/* seconds; 0: [DUPLICATEDETECTION:ON] only */
	} dedup;

	struct {
		char		*file;		/* the numbers never texted */
		char	       **keywords;	/* a subscriber's SMS that opts out */
		size_t		 nkeywords;
	} optout;

	struct {
		unsigned	 keep;		/* seconds of days kept */
		unsigned	 flush;		/* seconds between snapshots */
	} stats;
};

/* conf_load - read FILE into *out; on error write "FILE:LINE: message" into err. */
int	 conf_load(const char *file, struct conf **out, char *err, size_t errlen);
/* conf_default - the embedded default: loopback, ./spool, outbox backend. */
struct conf	*conf_default(void);
void	 conf_free(struct conf *);
/*
 * conf_print - the effective settings, in the config file's own syntax;
 * passwords, tokens and header values show as "********".
 */
void	 conf_print(const struct conf *, FILE *);

/* value spellings (value.c) */
int	 conf_parse_duration(const char *, unsigned *seconds);
/* conf_parse_duration_ms - like conf_parse_duration, "250ms" allowed */
int	 conf_parse_duration_ms(const char *, unsigned *ms);
int	 conf_parse_size(const char *, size_t *bytes);
int	 conf_parse_cidr(const char *, struct cidr *);
/* conf_parse_address - numeric "a.b.c.d:port" or "[v6]:port", no DNS */
int	 conf_parse_address(const char *, struct sockaddr_storage *, socklen_t *);
/* conf_listen_tls_name, conf_listen_auth_name - as written in the file */
const char *conf_listen_tls_name(enum listen_tls);
const char *conf_listen_auth_name(enum listen_auth);
/* conf_valid_sender_id - alphanumeric up to 11 characters, or a number */
bool	 conf_valid_sender_id(const char *);

/*
 * conf_backend_count, conf_backend_at - the backends in effect: those of
 * `backends`, else the single `backend`
 */
size_t	 conf_backend_count(const struct conf *);
const struct backend_conf *conf_backend_at(const struct conf *, size_t i);

/* the lookups the daemon makes while it runs are in conf/lookup.h */

#endif
