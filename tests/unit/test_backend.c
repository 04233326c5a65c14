/*
 * test_backend.c - the backend stack under its own name: the outbox file,
 * requests through curlev, the thread wrapper, and the DSN transports (the
 * outbox without a smarthost, libcurl's SMTP client with one).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <jansson.h>

#include "sms/transport/backend.h"
#include "sms/transport/http.h"

/* results of the backend callbacks, in the order they came */
struct results {
	int		 n;
	enum sms_result	 result[8];
	char		 id[8][HTTP_ID_MAX + 16];
	char		 reason[8][256];
	int		 submitting;	/* set while backend_submit runs */
	int		 early;		/* callbacks during backend_submit */
	int		 elsewhere;	/* callbacks off the submitting thread */
	int		 total;		/* every callback, past the 8 kept */
};

static pthread_t	 test_thread;

/* record_cb - the user's callback: remember what came, and when */
static void
record_cb(void *arg, const struct sms_outcome *o)
{
	struct results	*rs = arg;
	const char	*id = o->provider_id, *reason = o->reason;

	if (rs->submitting)
		rs->early++;
	if (!pthread_equal(pthread_self(), test_thread))
		rs->elsewhere++;
	rs->total++;
	if (rs->n >= 8)
		return;
	rs->result[rs->n] = o->result;
	snprintf(rs->id[rs->n], sizeof(rs->id[0]), "%s", id ? id : "");
	snprintf(rs->reason[rs->n], sizeof(rs->reason[0]), "%s",
	    reason ? reason : "");
	rs->n++;
}

/* submit - backend_submit, noting that it runs */
static int
submit(struct backend *b, struct results *rs, const struct sms *sms)
{
	int	 rc;

	rs->submitting = 1;
	rc = backend_submit(b, sms, record_cb, rs);
	rs->submitting = 0;
	return rc;
}

/* outbox_conf - an outbox backend writing to path, in a new directory */
static void
outbox_conf(struct conf *conf, char *dir, char *path, size_t pathlen)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, pathlen, "%s/outbox.jsonl", dir);
	memset(conf, 0, sizeof(*conf));
	conf->backend.type = BACKEND_OUTBOX;
	conf->backend.path = path;
}

static void
test_outbox(void **state)
{
	char		 dir[] = "/tmp/test_http.XXXXXX", path[64];
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct stat	 st;
	struct sms	 s1 = { "0123456789ABCDEF.0", "+4917012345678", NULL,
	    "Gr\xc3\xbc\xc3\x9f" "e \"x\"", 1, "UCS-2", 0, NULL, SMS_PRIORITY_BULK };
	struct sms	 s2 = { "0123456789ABCDEF.1", "+4366412345678", "Shop",
	    "Hi", 1, "GSM-7", 0, NULL, SMS_PRIORITY_BULK };
	struct sms	 bad = { "0123456789ABCDEF.2", "+4366412345678", NULL,
	    "\xff", 1, "GSM-7", 0, NULL, SMS_PRIORITY_BULK };
	struct sms	 dsn = { .ref = "0123456789ABCDEF", .to = "clerk@example.com",
	    .text = "Subject: Undelivered\r\n\r\nsorry\r\n" };
	char		 line[4][1024], err[256];
	json_t		*j;
	FILE		*f;
	int		 i, n = 0;

	(void)state;
	umask(022);
	outbox_conf(&conf, dir, path, sizeof(path));
	conf.backend.from = "Service";
	base = event_base_new();
	assert_non_null(base);
	b = backend_on_thread(&conf, &conf.backend, base, err, sizeof(err));
	assert_non_null(b);
	assert_true(backend_has_capacity(b));
	assert_int_equal(submit(b, &rs, &s1), 0);
	assert_int_equal(submit(b, &rs, &s2), 0);
	assert_int_equal(submit(b, &rs, &bad), 0);
	assert_int_equal(rs.n, 0);
	assert_int_equal(b->in_flight, 3);
	event_base_dispatch(base);
	assert_int_equal(rs.early, 0);
	assert_int_equal(rs.n, 3);
	assert_int_equal(b->in_flight, 0);
	assert_int_equal(rs.result[0], SMS_SENT);
	assert_string_equal(rs.id[0], "outbox-0123456789ABCDEF.0");
	assert_int_equal(rs.result[1], SMS_SENT);
	assert_int_equal(rs.result[2], SMS_PERMFAIL);
	assert_non_null(strstr(rs.reason[2], "UTF-8"));
	backend_free(b);
	/* the bounce sender's outbox: a DSN line, durable before its result */
	b = backend_dsn_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &dsn), 0);
	event_base_dispatch(base);
	assert_int_equal(rs.n, 4);
	assert_int_equal(rs.result[3], SMS_SENT);
	backend_free(b);
	event_base_free(base);

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	f = fopen(path, "r");
	assert_non_null(f);
	while (n < 4 && fgets(line[n], sizeof(line[0]), f) != NULL)
		n++;
	assert_null(fgets(line[0] + 1000, 24, f));
	fclose(f);
	assert_int_equal(n, 3);
	assert_memory_equal(line[0], "{\"queue_id\":\"0123456789ABCDEF\","
	    "\"ref\":\"0123456789ABCDEF.0\",\"to\":\"+4917012345678\","
	    "\"from\":\"Service\","
	    "\"text\":\"Gr\xc3\xbc\xc3\x9f" "e \\\"x\\\"\","
	    "\"parts\":1,\"encoding\":\"UCS-2\",\"time\":\"", 143);
	for (i = 0; i < n; i++)
		assert_int_equal(line[i][strlen(line[i]) - 1], '\n');
	j = json_loads(line[1], 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "from")),
	    "Shop");
	assert_int_equal(strlen(json_string_value(json_object_get(j, "time"))),
	    20);
	assert_int_equal(json_string_value(json_object_get(j, "time"))[19],
	    'Z');
	json_decref(j);
	j = json_loads(line[2], 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "kind")),
	    "dsn");
	assert_string_equal(json_string_value(json_object_get(j, "queue_id")),
	    "0123456789ABCDEF");
	assert_string_equal(json_string_value(json_object_get(j, "message")),
	    "Subject: Undelivered\r\n\r\nsorry\r\n");
	json_decref(j);
	unlink(path);
	rmdir(dir);
}

static void
test_outbox_write_error(void **state)
{
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { "00000000000000AA.0", "+4917012345678", NULL,
	    "Hi", 1, "GSM-7", 0, NULL, SMS_PRIORITY_BULK };
	char		 err[256];

	(void)state;
	if (access("/dev/full", W_OK) == -1)
		skip();
	memset(&conf, 0, sizeof(conf));
	conf.backend.type = BACKEND_OUTBOX;
	conf.backend.path = "/dev/full";
	base = event_base_new();
	b = backend_on_thread(&conf, &conf.backend, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &s), 0);
	event_base_dispatch(base);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.result[0], SMS_TEMPFAIL);
	assert_non_null(strstr(rs.reason[0], strerror(ENOSPC)));
	backend_free(b);
	event_base_free(base);

	conf.backend.path = "/nonexistent/dir/outbox.jsonl";
	base = event_base_new();
	assert_null(backend_on_thread(&conf, &conf.backend, base, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/dir/outbox.jsonl"));
	event_base_free(base);
}

/* listener - a TCP socket on 127.0.0.1 that is never accepted from */
static int
listener(int *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* http_conf_init - a generic HTTP backend configuration for url */
static void
http_conf_init(struct conf *conf, const char *url, unsigned max_in_flight)
{
	memset(conf, 0, sizeof(*conf));
	conf->backend.type = BACKEND_HTTP;
	conf->backend.from = "Service";
	conf->backend.http.profile = "generic";
	conf->backend.http.url = (char *)(uintptr_t)url;
	conf->backend.http.timeout = 10;
	conf->backend.max_in_flight = max_in_flight;
}

static void
test_http_refused_and_capacity(void **state)
{
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { "00000000000000AB.0", "+4917012345678", NULL,
	    "Hi", 1, "GSM-7", 0, NULL, SMS_PRIORITY_BULK };
	char		 url[64], err[256];
	int		 fd, port;

	(void)state;
	/* a port that was just free: connecting is refused */
	fd = listener(&port);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sms", port);
	http_conf_init(&conf, url, 2);
	base = event_base_new();
	b = backend_on_thread(&conf, &conf.backend, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &s), 0);
	assert_int_equal(submit(b, &rs, &s), 0);
	assert_false(backend_has_capacity(b));
	assert_int_equal(submit(b, &rs, &s), -1);
	event_base_dispatch(base);
	assert_int_equal(rs.early, 0);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.result[0], SMS_TEMPFAIL);
	assert_int_equal(rs.result[1], SMS_TEMPFAIL);
	assert_memory_equal(rs.reason[0], "curl: ", 6);
	assert_true(backend_has_capacity(b));
	backend_free(b);
	event_base_free(base);
}

static void
test_http_free_in_flight(void **state)
{
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { "00000000000000AC.0", "+4917012345678", NULL,
	    "Hi", 1, "GSM-7", 0, NULL, SMS_PRIORITY_BULK };
	struct timeval	 tv = { 0, 200000 };
	char		 url[64], err[256];
	int		 fd, port;

	(void)state;
	fd = listener(&port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sms", port);
	http_conf_init(&conf, url, 4);
	base = event_base_new();
	b = backend_on_thread(&conf, &conf.backend, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &s), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	assert_int_equal(rs.n, 0);
	backend_free(b);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.result[0], SMS_TEMPFAIL);
	assert_string_equal(rs.reason[0], "backend shut down");
	event_base_free(base);
	close(fd);
}

/* mockprov - start tests/e2e/mockprov.py; 0 if it is not there */
static pid_t
mockprov(int *port)
{
	const char	*top = getenv("top_srcdir");
	char		 script[1024], pfile[] = "/tmp/test_http_port.XXXXXX";
	struct timespec	 ts = { 0, 50000000 };
	FILE		*f;
	pid_t		 pid;
	int		 fd, i;

	snprintf(script, sizeof(script), "%s/tests/e2e/mockprov.py",
	    top != NULL ? top : ".");
	if (access(script, R_OK) == -1)
		return 0;
	fd = mkstemp(pfile);
	assert_true(fd >= 0);
	close(fd);
	unlink(pfile);
	if ((pid = fork()) == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDOUT_FILENO);
		execlp("python3", "python3", script, "--port", "0",
		    "--port-file", pfile, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	*port = 0;
	for (i = 0; i < 200 && *port == 0; i++) {
		if ((f = fopen(pfile, "r")) != NULL) {
			if (fscanf(f, "%d", port) != 1)
				*port = 0;
			fclose(f);
		} else if (waitpid(pid, NULL, WNOHANG) == pid)
			return 0;
		else
			nanosleep(&ts, NULL);
	}
	unlink(pfile);
	if (*port == 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return 0;
	}
	return pid;
}

static void
test_http_live(void **state)
{
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { "00000000000000AD.0", "+4917012345678", NULL,
	    "Gr\xc3\xbc\xc3\x9f" "e & \"so\"", 1, "UCS-2", 0, NULL, SMS_PRIORITY_BULK };
	struct timeval	 tv = { 15, 0 };
	char		 url[128], err[256];
	int		 port, i;
	pid_t		 pid;

	(void)state;
	if ((pid = mockprov(&port)) == 0)
		skip();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sms?to={to}", port);
	http_conf_init(&conf, url, 8);
	base = event_base_new();
	b = backend_on_thread(&conf, &conf.backend, base, err, sizeof(err));
	assert_non_null(b);
	for (i = 0; i < 3; i++)
		assert_int_equal(submit(b, &rs, &s), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	backend_free(b);

	/* the Twilio shape: form body, basic auth, 201 {"sid": ...} */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/2010-04-01/Accounts/"
	    "{user}/Messages.json", port);
	http_conf_init(&conf, url, 8);
	conf.backend.http.profile = "twilio";
	conf.backend.http.user = "AC0001";
	conf.backend.http.password = "secret";
	b = backend_on_thread(&conf, &conf.backend, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(submit(b, &rs, &s), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	backend_free(b);
	event_base_free(base);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);

	assert_int_equal(rs.early, 0);
	assert_int_equal(rs.n, 4);
	for (i = 0; i < 3; i++) {
		assert_int_equal(rs.result[i], SMS_SENT);
		assert_memory_equal(rs.id[i], "mock-", 5);
	}
	assert_int_equal(rs.result[3], SMS_SENT);
	assert_string_equal(rs.id[3], "SM4");
}

/* a burst through the backend's thread: every result once, on our loop */
static void
test_threaded_burst(void **state)
{
	char		 dir[] = "/tmp/test_http.XXXXXX", path[64], ref[32];
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 s = { ref, "+4917012345678", NULL, "Hi", 1, "GSM-7", 0,
	    NULL, SMS_PRIORITY_BULK };
	char		 err[256], line[512];
	FILE		*f;
	int		 i, lines = 0;

	(void)state;
	outbox_conf(&conf, dir, path, sizeof(path));
	base = event_base_new();
	b = backend_on_thread(&conf, &conf.backend, base, err, sizeof(err));
	assert_non_null(b);
	for (i = 0; i < 500; i++) {
		snprintf(ref, sizeof(ref), "00000000000000AA.%d", i);
		assert_int_equal(submit(b, &rs, &s), 0);
		if (i % 100 == 99)	/* some results come back meanwhile */
			event_base_loop(base, EVLOOP_NONBLOCK);
	}
	event_base_dispatch(base);	/* returns: idle, nothing is left armed */
	assert_int_equal(rs.total, 500);
	assert_int_equal(rs.early, 0);
	assert_int_equal(rs.elsewhere, 0);
	assert_int_equal(b->in_flight, 0);
	/* submitted and not yet answered at free: reported there, once */
	for (i = 0; i < 50; i++) {
		snprintf(ref, sizeof(ref), "00000000000000AB.%d", i);
		assert_int_equal(submit(b, &rs, &s), 0);
	}
	backend_free(b);
	assert_int_equal(rs.total, 550);
	assert_int_equal(rs.elsewhere, 0);
	event_base_free(base);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		lines++;
	fclose(f);
	assert_true(lines >= 500 && lines <= 550);
	unlink(path);
	rmdir(dir);
}

/* the DSN outbox says what failed, and a DSN has no provider id */
static void
test_dsn_outbox_words(void **state)
{
	char		 dir[] = "/tmp/test_backend.XXXXXX", path[64], err[256];
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct results	 rs = { 0 };
	struct sms	 dsn = { .ref = "00000000000000AE.0",
	    .to = "clerk@example.com", .text = "Subject: x\r\n\r\ny\r\n" };
	struct sms	 bad = { .ref = "00000000000000AF.0",
	    .to = "clerk@example.com", .text = "\xff" };

	(void)state;
	outbox_conf(&conf, dir, path, sizeof(path));
	base = event_base_new();
	b = backend_dsn_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(b->max_in_flight, BACKEND_DSN_MAX_IN_FLIGHT);
	assert_int_equal(submit(b, &rs, &dsn), 0);
	assert_int_equal(submit(b, &rs, &bad), 0);
	event_base_dispatch(base);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.result[0], SMS_SENT);
	assert_string_equal(rs.id[0], "");
	assert_int_equal(rs.result[1], SMS_PERMFAIL);
	assert_string_equal(rs.reason[1],
	    "cannot write the DSN: text or sender is not valid UTF-8");
	backend_free(b);
	unlink(path);
	rmdir(dir);

	if (access("/dev/full", W_OK) == 0) {
		conf.backend.path = "/dev/full";
		b = backend_dsn_new(&conf, base, err, sizeof(err));
		assert_non_null(b);
		assert_int_equal(submit(b, &rs, &dsn), 0);
		event_base_dispatch(base);
		assert_int_equal(rs.n, 3);
		assert_int_equal(rs.result[2], SMS_TEMPFAIL);
		assert_memory_equal(rs.reason[2],
		    "cannot write the DSN: outbox /dev/full: ", 40);
		backend_free(b);
	}
	event_base_free(base);
}

/*
 * smtp_sink - a child answering one SMTP session on the listening fd:
 * RCPT gets rcpt_code, the rest 250 (DATA 354, QUIT 221); every line it
 * reads goes to the file at path.
 */
static pid_t
smtp_sink(int lfd, int rcpt_code, const char *path)
{
	char	 line[1024];
	FILE	*in, *out, *log;
	int	 fd, data = 0;
	pid_t	 pid;

	if ((pid = fork()) != 0)
		return pid;
	if ((fd = accept(lfd, NULL, NULL)) == -1 ||
	    (in = fdopen(fd, "r")) == NULL ||
	    (out = fdopen(dup(fd), "w")) == NULL ||
	    (log = fopen(path, "w")) == NULL)
		_exit(1);
	setvbuf(out, NULL, _IONBF, 0);
	fputs("220 sink ESMTP\r\n", out);
	while (fgets(line, sizeof(line), in) != NULL) {
		fputs(line, log);
		if (data) {
			if (strcmp(line, ".\r\n") == 0) {
				data = 0;
				fputs("250 2.0.0 taken\r\n", out);
			}
		} else if (strncmp(line, "RCPT", 4) == 0)
			fprintf(out, "%d rcpt\r\n", rcpt_code);
		else if (strncmp(line, "DATA", 4) == 0) {
			data = 1;
			fputs("354 go on\r\n", out);
		} else if (strncmp(line, "QUIT", 4) == 0) {
			fputs("221 bye\r\n", out);
			break;
		} else
			fputs("250 sink\r\n", out);
	}
	fclose(log);
	_exit(0);
}

/* smarthost_send - one DSN through the smarthost transport to a sink */
static void
smarthost_send(int rcpt_code, struct results *rs, const char *log)
{
	struct conf	 conf;
	struct event_base *base;
	struct backend	*b;
	struct sms	 dsn = { .ref = "00000000000000B0.0",
	    .to = "clerk@example.com",
	    .text = "Subject: Undelivered\r\n\r\nsorry\r\n" };
	struct timeval	 tv = { 10, 0 };
	char		 url[64], err[256];
	int		 fd, port, status;
	pid_t		 pid;

	fd = listener(&port);
	pid = smtp_sink(fd, rcpt_code, log);
	assert_true(pid > 0);
	close(fd);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	memset(&conf, 0, sizeof(conf));
	conf.hostname = "relay.test";
	conf.bounce.smarthost = url;
	base = event_base_new();
	b = backend_dsn_new(&conf, base, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(b->max_in_flight, BACKEND_DSN_MAX_IN_FLIGHT);
	assert_int_equal(submit(b, rs, &dsn), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	backend_free(b);
	event_base_free(base);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* file_has - does the file at path hold s? */
static int
file_has(const char *path, const char *s)
{
	char	 buf[4096];
	size_t	 n;
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, s) != NULL;
}

/* the smarthost takes the DSN from <>, greeted with our name; a 5xx is final */
static void
test_smarthost(void **state)
{
	char		 log[] = "/tmp/test_backend_sink.XXXXXX";
	struct results	 rs = { 0 };
	int		 fd;

	(void)state;
	assert_true((fd = mkstemp(log)) >= 0);
	close(fd);
	smarthost_send(250, &rs, log);
	assert_int_equal(rs.early, 0);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.result[0], SMS_SENT);
	assert_string_equal(rs.id[0], "");
	assert_true(file_has(log, "HLO relay.test\r\n"));
	assert_true(file_has(log, "MAIL FROM:<>"));
	assert_true(file_has(log, "RCPT TO:<clerk@example.com>\r\n"));
	assert_true(file_has(log,
	    "Subject: Undelivered\r\n\r\nsorry\r\n.\r\n"));

	smarthost_send(550, &rs, log);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.result[1], SMS_PERMFAIL);
	assert_non_null(strstr(rs.reason[1], "(smarthost said 550)"));

	smarthost_send(451, &rs, log);
	assert_int_equal(rs.n, 3);
	assert_int_equal(rs.result[2], SMS_TEMPFAIL);
	assert_non_null(strstr(rs.reason[2], "(smarthost said 451)"));
	unlink(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outbox),
		cmocka_unit_test(test_outbox_write_error),
		cmocka_unit_test(test_http_refused_and_capacity),
		cmocka_unit_test(test_http_free_in_flight),
		cmocka_unit_test(test_http_live),
		cmocka_unit_test(test_threaded_burst),
		cmocka_unit_test(test_dsn_outbox_words),
		cmocka_unit_test(test_smarthost),
	};

	signal(SIGPIPE, SIG_IGN);
	test_thread = pthread_self();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
