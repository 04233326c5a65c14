/*
 * users_file.h - the users file of AUTH: "name:hash" lines (crypt(3) or
 * Argon2 hashes), a password checked against it, new hashes for it.
 */
#ifndef SMSRELAY_USERS_FILE_H
#define SMSRELAY_USERS_FILE_H

#include <stddef.h>

#define AUTH_USER_MAX	255	/* octets of a login name */
#define AUTH_PASS_MAX	255	/* octets of a password */

struct auth_users;

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

/*
 * auth_users_hold, auth_users_drop - a set shared by a checker and the
 * checks running against it, counted under the checker's lock: hold takes
 * a reference (NULL is no set), drop returns the set once nobody holds it,
 * for auth_users_free outside that lock. A loaded set has one reference.
 */
void	 auth_users_hold(struct auth_users *);
struct auth_users *auth_users_drop(struct auth_users *);

/* what one thread needs to check passwords: crypt(3)'s ~32 KiB and a dummy */
struct auth_scratch;

/* auth_scratch_new - NULL with errno */
struct auth_scratch *auth_scratch_new(void);
void	 auth_scratch_free(struct auth_scratch *);
/*
 * auth_users_verify - 1 if pass is user's password in u (which may be
 * NULL). An unknown user, or NULL for a name too long to look up, is
 * checked against the entry auth_users_dummy_cost names (without entries,
 * the scratch's yescrypt dummy) and fails: it costs what a known one would.
 * Slow by design: a worker thread's job.
 */
int	 auth_users_verify(const struct auth_users *u, const char *user,
	    const char *pass, struct auth_scratch *);

/*
 * auth_hash_password - a new hash for the users file: method "yescrypt"
 * (default), "sha512", "bcrypt" or "argon2id"; -1 with errno on failure.
 */
int	 auth_hash_password(const char *password, const char *method,
	    char *out, size_t outsz);

#endif
