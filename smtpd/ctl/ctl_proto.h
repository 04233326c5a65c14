/*
 * ctl_proto.h - what smsrelayctl and the daemon say on the control socket:
 * one command line in, "ok" or "error: ..." and a text answer out, close.
 */
#ifndef SMSRELAY_CTL_PROTO_H
#define SMSRELAY_CTL_PROTO_H

#define CONTROL_LINE_MAX	256	/* a command line, without its LF */
#define CONTROL_ID_MAX		64	/* the ID of "show ID" and "delete ID" */
#define CONTROL_MSGID_MAX	200	/* of "delete --message-id MSGID" */

/*
 * the commands: "queue", "show ID", "flush", "delete ID", "backends",
 * "report ID STATE [WORDS]" (ID: a provider's id or a client reference),
 * "queue --scheduled", "delete --message-id MSGID"
 */
#define CTL_QUEUE	"queue"
#define CTL_SHOW	"show"
#define CTL_FLUSH	"flush"
#define CTL_DELETE	"delete"
#define CTL_BACKENDS	"backends"
#define CTL_REPORT	"report"
#define CTL_SCHEDULED	"--scheduled"
#define CTL_BY_MESSAGE_ID "--message-id"
#define CTL_OPTOUT	"optout"	/* "add NUMBER", "remove NUMBER", "list" */
#define CTL_STATS	"stats"		/* "[--since D] [--until D] [--by K] [--csv]" */

/* the first line of every answer */
#define CTL_OK		"ok"
#define CTL_ERROR	"error:"

#endif
