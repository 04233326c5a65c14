/*
 * smtp.c - the SMTP sessions: smtp = { } (sizes, session counts, deadlines,
 * error handling, pipelining), each key with its range and default.
 */
#include "conf/schema.h"

static const struct keydef smtp_keys[] = {
	{ .name = "max_recipients", .type = K_UINT,
	  .off = OFF(smtp.max_recipients), .min = 1, .max = 100000,
	  .def = 100 },
	{ .name = "max_message_size", .type = K_SIZE,
	  .off = OFF(smtp.max_message_size), .min = 1,
	  .max = 1024 * 1024 * 1024, .def = 10 * 1024 * 1024 },
	{ .name = "max_sessions", .type = K_UINT, .off = OFF(smtp.max_sessions),
	  .min = 1, .max = 1000000, .def = 1000 },
	{ .name = "max_sessions_per_client", .type = K_UINT,
	  .off = OFF(smtp.max_sessions_per_client), .min = 1, .max = 1000000,
	  .def = 50 },
	{ .name = "idle_timeout", .type = K_DURATION,
	  .off = OFF(smtp.idle_timeout), .min = 1, .max = DAY,
	  .def = 5 * MINUTE },
	{ .name = "data_timeout", .type = K_DURATION,
	  .off = OFF(smtp.data_timeout), .min = 1, .max = DAY,
	  .def = 10 * MINUTE },
	{ .name = "min_data_rate", .type = K_UINT,
	  .off = OFF(smtp.min_data_rate), .min = 0, .max = 1000000000,
	  .def = 500 },
	{ .name = "tls_handshake_timeout", .type = K_DURATION,
	  .off = OFF(smtp.tls_handshake_timeout), .min = 1, .max = HOUR,
	  .def = 30 },
	{ .name = "max_errors", .type = K_UINT, .off = OFF(smtp.max_errors),
	  .min = 1, .max = 1000, .def = 10 },
	{ .name = "soft_error_limit", .type = K_UINT,
	  .off = OFF(smtp.soft_error_limit), .min = 1, .max = 1000, .def = 3 },
	{ .name = "error_delay", .type = K_DURATION_MS,
	  .off = OFF(smtp.error_delay_ms), .min = 0, .max = 60000,
	  .def = 1000 },
	{ .name = "forbid_unauth_pipelining", .type = K_BOOL,
	  .off = OFF(smtp.forbid_unauth_pipelining), .def = true },
	{ .name = "greet_pause", .type = K_DURATION_MS,
	  .off = OFF(smtp.greet_pause_ms), .min = 0, .max = 60000 },
	{ .name = NULL }
};

const struct keydef conf_smtp_section[] = {
	{ .name = "smtp", .type = K_GROUP, .sub = smtp_keys },
	{ .name = NULL }
};
