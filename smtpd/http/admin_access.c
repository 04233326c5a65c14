/*
 * admin_access.c - the gate of the admin pages: the peer's address for
 * "loopback", HTTP basic auth against the users file for "users".
 *
 * Passwords are yescrypt or argon2 hashes that take tens of milliseconds,
 * so they are checked on the AUTH worker threads (passwd_check.c) and the
 * page is served when the answer comes back to the loop. A client that
 * hangs up meanwhile leaves evhttp's request with us; replying frees it.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "smtpd/http/admin_access.h"
#include "smtpd/http/http_listener.h"
#include "sms/lib/log.h"

/* one password check under way */
struct pending {
	struct admin_access	*aa;
	struct evhttp_request	*req;
	struct auth_request	*check;
	admin_granted_fn	 fn;
	void			*arg;
	char			 user[128];
	struct pending		*next;
};

struct admin_access {
	const struct conf	*conf;
	struct auth_checker	*checker;
	struct pending		*pending;
	int			 tls;	/* the listener's, fixed at start-up */
};

/* admin_access_new - see admin_access.h */
struct admin_access *
admin_access_new(const struct conf *c, struct auth_checker *checker)
{
	struct admin_access	*aa;

	if ((aa = calloc(1, sizeof(*aa))) == NULL)
		return NULL;
	aa->conf = c;
	aa->checker = checker;
	aa->tls = c->http.tls;
	return aa;
}

/* admin_access_set_conf - see admin_access.h */
void
admin_access_set_conf(struct admin_access *aa, const struct conf *c)
{
	aa->conf = c;
}

/* admin_access_is_loopback - see admin_access.h */
int
admin_access_is_loopback(struct evhttp_request *req)
{
	struct evhttp_connection	*evcon = evhttp_request_get_connection(req);
	const struct sockaddr		*sa;
	const struct sockaddr_in6	*s6;
	const unsigned char		*a;

	if (evcon == NULL || (sa = evhttp_connection_get_addr(evcon)) == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family != AF_INET6)
		return 0;
	s6 = (const struct sockaddr_in6 *)(const void *)sa;
	if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
		return 1;
	a = s6->sin6_addr.s6_addr;
	return IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && a[12] == 127;
}

/* refuse - 403, or 401 asking for a password; logged either way */
static void
refuse(struct evhttp_request *req, int status, const char *user,
    const char *why)
{
	char	 peer[80];

	log_warnx("http: admin page %s for %s%s%s refused: %s",
	    evhttp_request_get_uri(req), http_peer(req, peer, sizeof(peer)),
	    user != NULL ? " user=" : "", user != NULL ? user : "", why);
	if (status == 401 && evhttp_add_header(
	    evhttp_request_get_output_headers(req), "WWW-Authenticate",
	    "Basic realm=\"" ADMIN_REALM "\", charset=\"UTF-8\"") == -1) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	http_reply(req, status, status == 401 ? "Unauthorized" : "Forbidden");
}

/*
 * basic_credentials - user and password of "Basic base64(user:pass)" in
 * buf (of ADMIN_AUTH_HEADER_MAX bytes); -1 if absent or malformed
 */
static int
basic_credentials(const char *h, char *buf, char **user, char **pass)
{
	size_t	 n;
	int	 len;

	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return -1;
	h += 6;
	h += strspn(h, " ");
	n = strlen(h);
	/* base64 comes in fours; what decodes is three quarters of it */
	if (n == 0 || n % 4 != 0 || n >= ADMIN_AUTH_HEADER_MAX)
		return -1;
	if ((len = EVP_DecodeBlock((unsigned char *)buf,
	    (const unsigned char *)h, (int)n)) < 0)
		return -1;
	len -= h[n - 1] == '=' ? (h[n - 2] == '=' ? 2 : 1) : 0;
	buf[len] = '\0';
	if (memchr(buf, '\0', (size_t)len) != NULL ||
	    (*pass = strchr(buf, ':')) == NULL || *pass == buf)
		return -1;
	*(*pass)++ = '\0';
	*user = buf;
	return 0;
}

/* printable - no control characters (UTF-8 beyond ASCII is fine) */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* pending_unlink - take p off the list of checks under way */
static void
pending_unlink(struct pending *p)
{
	struct pending	**pp = &p->aa->pending;

	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
}

/* checked - the worker's answer: serve the page or refuse */
static void
checked(void *arg, int ok)
{
	struct pending	*p = arg;

	pending_unlink(p);
	if (ok)
		p->fn(p->req, p->arg);
	else
		refuse(p->req, 401, p->user, "wrong user or password");
	free(p);
}

/* check_password - the credentials of req, checked on a worker thread */
static void
check_password(struct admin_access *aa, struct evhttp_request *req,
    admin_granted_fn fn, void *arg)
{
	struct pending	*p;
	char		 buf[ADMIN_AUTH_HEADER_MAX], *user, *pass;
	const char	*h = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Authorization");

	if (basic_credentials(h, buf, &user, &pass) == -1) {
		refuse(req, 401, NULL, h == NULL ? "no credentials" :
		    "malformed Authorization header");
		return;
	}
	/* the name goes into the log: no control characters */
	if (strlen(user) >= sizeof(p->user) || !printable(user)) {
		OPENSSL_cleanse(buf, sizeof(buf));
		refuse(req, 401, NULL, "user name too long or not printable");
		return;
	}
	if ((p = calloc(1, sizeof(*p))) != NULL) {
		memcpy(p->user, user, strlen(user) + 1);
		p->check = auth_check(aa->checker, user, pass, checked, p);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	if (p == NULL || p->check == NULL) {
		free(p);
		http_reply(req, 503, "Service Unavailable");
		return;
	}
	p->aa = aa;
	p->req = req;
	p->fn = fn;
	p->arg = arg;
	p->next = aa->pending;
	aa->pending = p;
}

/* admin_access_check - see admin_access.h */
void
admin_access_check(struct admin_access *aa, struct evhttp_request *req,
    admin_granted_fn fn, void *arg)
{
	if (aa->conf->http.admin == HTTP_ADMIN_LOOPBACK) {
		if (admin_access_is_loopback(req))
			fn(req, arg);
		else
			refuse(req, 403, NULL, "not a loopback client "
			    "(http.admin = \"loopback\")");
		return;
	}
	/* "users" set by a reload on a listener started without TLS */
	if (aa->checker == NULL || !aa->tls) {
		refuse(req, 403, NULL, aa->tls ? "no users file at start-up" :
		    "the listener has no TLS (http.tls takes a restart)");
		return;
	}
	check_password(aa, req, fn, arg);
}

/* admin_access_free - see admin_access.h */
void
admin_access_free(struct admin_access *aa)
{
	struct pending	*p;

	if (aa == NULL)
		return;
	while ((p = aa->pending) != NULL) {
		aa->pending = p->next;
		auth_cancel(p->check);
		free(p);
	}
	free(aa);
}
