/*
 * auth.h - SMTP AUTH (RFC 4954) PLAIN and LOGIN: the users file of password
 * hashes (crypt(3) or Argon2), hash checks on worker threads, SASL decoding.
 */
#ifndef SMSRELAY_AUTH_H
#define SMSRELAY_AUTH_H

#include <stddef.h>
#include <event2/event.h>

#define AUTH_USER_MAX	255	/* octets of a login name */
#define AUTH_PASS_MAX	255	/* octets of a password */

struct auth_users;
struct auth_checker;
struct auth_request;

/*
 * auth_users_load - read "name:hash" lines ('#' comments, blank lines);
 * refused if the file is group- or world-readable or a hash has an unknown
 * form. -1 with "FILE:LINE: message" (or "FILE: message") in err.
 */
int	 auth_users_load(const char *path, struct auth_users **out, char *err,
	    size_t errlen);
/*
 * auth_users_parse - the same for the text data[0..len) (need not be
 * NUL-terminated) of the file path, which only names it in err.
 */
int	 auth_users_parse(const char *data, size_t len, const char *path,
	    struct auth_users **out, char *err, size_t errlen);
void	 auth_users_free(struct auth_users *);
size_t	 auth_users_count(const struct auth_users *);
/*
 * auth_users_dummy_cost - the method and cost an unknown name's check pays
 * for ("$2b$12", "$6$rounds=9999", "$y$j9T"): those most entries share, so
 * a failed login takes as long whether the name exists or not. In
 * out[outsz], cut to fit; "" without entries (a yescrypt dummy is used).
 */
void	 auth_users_dummy_cost(const struct auth_users *, char *out,
	    size_t outsz);

/* auth_checker_new - nthreads workers that report back on base's loop */
struct auth_checker *auth_checker_new(struct event_base *base, unsigned nthreads);
/* auth_checker_free - joins the workers; pending callbacks are not called */
void	 auth_checker_free(struct auth_checker *);
/* auth_checker_set_users - use these users from now on (takes ownership;
 * checks already running finish against the old set) */
void	 auth_checker_set_users(struct auth_checker *, struct auth_users *);

/* called on the loop thread: ok 1 if the password matches the user's hash */
typedef void auth_done_cb(void *arg, int ok);

/*
 * auth_check - compare password with user's hash on a worker thread; the
 * strings are copied (and the copy of the password wiped afterwards). An
 * unknown user costs as much as a known one. NULL if out of memory.
 */
struct auth_request *auth_check(struct auth_checker *, const char *user,
	    const char *password, auth_done_cb *cb, void *arg);
/* auth_cancel - the session went away: the callback will not be called */
void	 auth_cancel(struct auth_request *);

/*
 * sasl_base64_decode - strict RFC 4648 base64 of an AUTH exchange into
 * out[outsz] (NUL-terminated, *outlen excludes it); "=" alone is empty.
 * -1 if malformed or too long.
 */
int	 sasl_base64_decode(const char *in, size_t len, char *out, size_t outsz,
	    size_t *outlen);
/* sasl_base64_encode - for the LOGIN prompts; -1 if out is too small */
int	 sasl_base64_encode(const char *in, size_t len, char *out, size_t outsz);
/*
 * sasl_plain_split - "authzid NUL authcid NUL passwd" (RFC 4616) from a
 * decoded response; -1 unless both NULs are there, authcid and passwd are
 * non-empty and each fits. An authzid other than empty or authcid is -1.
 */
int	 sasl_plain_split(const char *msg, size_t len,
	    char user[AUTH_USER_MAX + 1], char pass[AUTH_PASS_MAX + 1]);

/*
 * auth_hash_password - a new hash for the users file: method "yescrypt"
 * (default), "sha512", "bcrypt" or "argon2id"; -1 with errno on failure.
 */
int	 auth_hash_password(const char *password, const char *method,
	    char *out, size_t outsz);

#endif
