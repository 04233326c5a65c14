/*
 * curlev.c - libcurl's multi interface on our libevent loop: one event per
 * socket curl wants watched, one timer, transfers finished from the loop.
 */
#include <sys/queue.h>

#include <pthread.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "sms/transport/curlev.h"
#include "sms/lib/log.h"

struct transfer {
	TAILQ_ENTRY(transfer)	 entry;
	struct curlev		*cev;
	CURL			*easy;
	curlev_done_cb		 cb;
	void			*arg;
};

struct curlev {
	struct curlev		*next;		/* instances: one per base */
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	TAILQ_HEAD(, transfer)	 transfers;
	unsigned		 refs;
	unsigned		 busy;		/* in curlev_drain */
	int			 dying;
};

/* the backend frees its instance on its own thread: the list is shared */
static struct curlev	*instances;
static pthread_mutex_t	 instances_mu = PTHREAD_MUTEX_INITIALIZER;

static void	curlev_destroy(struct curlev *);

/* curlev_finish - forget a transfer; its easy handle goes back to the caller */
static void
curlev_finish(struct transfer *t)
{
	curl_multi_remove_handle(t->cev->multi, t->easy);
	TAILQ_REMOVE(&t->cev->transfers, t, entry);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, NULL);
	free(t);
}

/* curlev_drain - hand every finished transfer to its owner */
static void
curlev_drain(struct curlev *cev)
{
	CURLMsg		*msg;
	struct transfer	*t;
	curlev_done_cb	 cb;
	CURL		*easy;
	CURLcode	 result;
	void		*arg;
	char		*priv;
	int		 left;

	cev->busy++;
	while ((msg = curl_multi_info_read(cev->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg dies with curl_multi_remove_handle: copy first */
		easy = msg->easy_handle;
		result = msg->data.result;
		priv = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		if ((t = (struct transfer *)(void *)priv) == NULL)
			continue;
		cb = t->cb;
		arg = t->arg;
		curlev_finish(t);
		cb(arg, easy, result);
	}
	cev->busy--;
	if (cev->dying && cev->busy == 0)
		curlev_destroy(cev);
}

/* curlev_action - tell curl what happened on fd (or that its timer ran out) */
static void
curlev_action(struct curlev *cev, curl_socket_t fd, int what)
{
	CURLMcode	 rc;
	int		 running;

	rc = curl_multi_socket_action(cev->multi, fd, what, &running);
	if (rc != CURLM_OK)
		log_warnx("curl_multi_socket_action: %s",
		    curl_multi_strerror(rc));
	curlev_drain(cev);
}

/* curlev_socket_event - libevent saw a socket curl watches become ready */
static void
curlev_socket_event(evutil_socket_t fd, short events, void *arg)
{
	int	 what = 0;

	if (events & EV_READ)
		what |= CURL_CSELECT_IN;
	if (events & EV_WRITE)
		what |= CURL_CSELECT_OUT;
	curlev_action(arg, fd, what);
}

/* curlev_timer_event - curl's timeout expired (or a 0 ms kick was asked for) */
static void
curlev_timer_event(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	curlev_action(arg, CURL_SOCKET_TIMEOUT, 0);
}

/*
 * curlev_socket_cb - curl's CURLMOPT_SOCKETFUNCTION: keep one persistent
 * event per socket, in step with what curl wants to wait for. socketp is
 * that event, attached with curl_multi_assign (documented as allowed here).
 */
static int
curlev_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
    void *socketp)
{
	struct curlev	*cev = userp;
	struct event	*ev = socketp;
	short		 kind = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (ev != NULL)
			event_free(ev);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (ev == NULL) {
		ev = event_new(cev->base, s, kind, curlev_socket_event, cev);
		if (ev == NULL)
			return -1;
		if (curl_multi_assign(cev->multi, s, ev) != CURLM_OK) {
			event_free(ev);
			return -1;
		}
	} else {
		event_del(ev);
		if (event_assign(ev, cev->base, s, kind, curlev_socket_event,
		    cev) == -1)
			return -1;
	}
	return event_add(ev, NULL) == -1 ? -1 : 0;
}

/*
 * curlev_timer_cb - curl's CURLMOPT_TIMERFUNCTION: only (re)arm our timer;
 * calling back into curl from here is forbidden, so 0 ms means "next loop".
 */
static int
curlev_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct curlev	*cev = userp;
	struct timeval	 tv;

	(void)multi;
	if (timeout_ms < 0)
		return evtimer_del(cev->timer) == -1 ? -1 : 0;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(cev->timer, &tv) == -1 ? -1 : 0;
}

/* curlev_limits - caps; the cache keeps alive as many as may run at once */
static void
curlev_limits(struct curlev *cev, long max_connections)
{
	if (max_connections < 0)
		max_connections = 0;
	curl_multi_setopt(cev->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    max_connections);
	curl_multi_setopt(cev->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    max_connections);
	if (max_connections > 0)
		curl_multi_setopt(cev->multi, CURLMOPT_MAXCONNECTS,
		    max_connections);
}

/* curlev_new - the instance of base, created on first use */
struct curlev *
curlev_new(struct event_base *base, long max_connections)
{
	struct curlev	*cev;

	pthread_mutex_lock(&instances_mu);
	for (cev = instances; cev != NULL; cev = cev->next)
		if (cev->base == base)
			break;
	pthread_mutex_unlock(&instances_mu);
	if (cev != NULL) {
		cev->refs++;
		curlev_limits(cev, max_connections);
		return cev;
	}
	if ((cev = calloc(1, sizeof(*cev))) == NULL)
		return NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(cev);
		return NULL;
	}
	cev->base = base;
	cev->refs = 1;
	TAILQ_INIT(&cev->transfers);
	if ((cev->multi = curl_multi_init()) == NULL ||
	    (cev->timer = evtimer_new(base, curlev_timer_event, cev)) == NULL) {
		if (cev->multi != NULL)
			curl_multi_cleanup(cev->multi);
		free(cev);
		curl_global_cleanup();
		return NULL;
	}
	curl_multi_setopt(cev->multi, CURLMOPT_SOCKETFUNCTION,
	    curlev_socket_cb);
	curl_multi_setopt(cev->multi, CURLMOPT_SOCKETDATA, cev);
	curl_multi_setopt(cev->multi, CURLMOPT_TIMERFUNCTION, curlev_timer_cb);
	curl_multi_setopt(cev->multi, CURLMOPT_TIMERDATA, cev);
	curlev_limits(cev, max_connections);
	pthread_mutex_lock(&instances_mu);
	cev->next = instances;
	instances = cev;
	pthread_mutex_unlock(&instances_mu);
	return cev;
}

/* curlev_add - start easy; curl asks for its first timeout from in here */
int
curlev_add(struct curlev *cev, CURL *easy, curlev_done_cb cb, void *arg)
{
	struct transfer	*t;

	if (cev->dying)
		return -1;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	t->cev = cev;
	t->easy = easy;
	t->cb = cb;
	t->arg = arg;
	if (curl_easy_setopt(easy, CURLOPT_PRIVATE, t) != CURLE_OK) {
		free(t);
		return -1;
	}
	if (curl_multi_add_handle(cev->multi, easy) != CURLM_OK) {
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		free(t);
		return -1;
	}
	TAILQ_INSERT_TAIL(&cev->transfers, t, entry);
	return 0;
}

/* curlev_remove - cancel easy if it is one of ours and still running */
int
curlev_remove(struct curlev *cev, CURL *easy)
{
	struct transfer	*t;
	char		*priv = NULL;

	if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv) != CURLE_OK)
		return -1;
	t = (struct transfer *)(void *)priv;
	if (t == NULL || t->cev != cev)
		return -1;
	curlev_finish(t);
	return 0;
}

/* curlev_destroy - abort what still runs, then release curl and libevent */
static void
curlev_destroy(struct curlev *cev)
{
	struct transfer	*t;
	curlev_done_cb	 cb;
	CURL		*easy;
	void		*arg;

	cev->dying = 1;
	while ((t = TAILQ_FIRST(&cev->transfers)) != NULL) {
		cb = t->cb;
		arg = t->arg;
		easy = t->easy;
		curlev_finish(t);
		cb(arg, easy, CURLE_ABORTED_BY_CALLBACK);
	}
	curl_multi_cleanup(cev->multi);
	event_free(cev->timer);
	free(cev);
	curl_global_cleanup();
}

/* curlev_free - drop a reference; destruction waits for callbacks to return */
void
curlev_free(struct curlev *cev)
{
	struct curlev	**pp;

	if (cev == NULL || --cev->refs > 0)
		return;
	pthread_mutex_lock(&instances_mu);
	for (pp = &instances; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == cev) {
			*pp = cev->next;
			break;
		}
	}
	pthread_mutex_unlock(&instances_mu);
	if (cev->busy > 0)
		cev->dying = 1;
	else
		curlev_destroy(cev);
}
