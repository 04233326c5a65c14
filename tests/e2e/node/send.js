#!/usr/bin/env node
// send.js - send one message with nodemailer's SMTP transport (no pool) for
// the end-to-end tests, and print the outcome as one JSON object on stdout.
'use strict';

const fs = require('fs');
const { parseArgs } = require('util');
const nodemailer = require('nodemailer');

const USAGE = `usage: node send.js --host H --port N --from ADDR --to ADDR [--to ADDR ...]
       --subject TEXT --text TEXT [--user U --pass P] [--auth-method PLAIN|LOGIN]
       [--secure] [--require-tls] [--ignore-tls] [--ca FILE] [--servername NAME]
       [--dsn JSON]   e.g. '{"id":"ENV1","return":"headers","notify":["failure"],
                            "recipient":"orig@example.com"}'
Prints {"ok":true,"response":...} or {"ok":false,"code":...,"responseCode":...};
exit status 0 when the server accepted the message, 1 when not, 2 on bad usage.`;

const OPTIONS = {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string', multiple: true },
    subject: { type: 'string', default: '' },
    text: { type: 'string', default: '' },
    user: { type: 'string' },
    pass: { type: 'string' },
    'auth-method': { type: 'string' },
    secure: { type: 'boolean', default: false },
    'require-tls': { type: 'boolean', default: false },
    'ignore-tls': { type: 'boolean', default: false },
    ca: { type: 'string' },
    servername: { type: 'string' },
    dsn: { type: 'string' },
    help: { type: 'boolean', default: false }
};

// usage - complain about the command line and exit 2
function usage(why) {
    if (why) {
        process.stderr.write('send.js: ' + why + '\n');
    }
    process.stderr.write(USAGE + '\n');
    process.exit(2);
}

// parse - the command line as transport options and a message
function parse(argv) {
    let values;
    try {
        ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
    } catch (err) {
        usage(err.message);
    }
    if (values.help) {
        usage();
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
        usage('--port must be a TCP port');
    }
    if (!values.from || !values.to || values.to.length === 0) {
        usage('--from and --to are required');
    }
    if ((values.user === undefined) !== (values.pass === undefined)) {
        usage('--user and --pass go together');
    }
    const transport = {
        host: values.host,
        port,
        secure: values.secure,
        requireTLS: values['require-tls'],
        ignoreTLS: values['ignore-tls'],
        pool: false,
        name: 'client.test',
        connectionTimeout: 10000,
        greetingTimeout: 10000,
        socketTimeout: 20000,
        tls: {}
    };
    if (values.ca) {
        // verify the server against this certificate instead of the system store
        transport.tls.ca = [fs.readFileSync(values.ca)];
    }
    if (values.servername) {
        transport.tls.servername = values.servername;
    }
    if (values.user !== undefined) {
        transport.auth = { user: values.user, pass: values.pass };
        if (values['auth-method']) {
            transport.authMethod = values['auth-method'].toUpperCase();
        }
    }
    const message = {
        from: values.from,
        to: values.to,
        subject: values.subject,
        text: values.text
    };
    if (values.dsn) {
        try {
            message.dsn = JSON.parse(values.dsn);
        } catch (err) {
            usage('--dsn is not JSON: ' + err.message);
        }
    }
    return { transport, message };
}

// main - send, report, and set the exit status
async function main() {
    const { transport, message } = parse(process.argv.slice(2));
    const mailer = nodemailer.createTransport(transport);
    let out;
    try {
        const info = await mailer.sendMail(message);
        out = {
            ok: true,
            response: info.response,
            accepted: info.accepted,
            rejected: info.rejected,
            envelope: info.envelope,
            messageId: info.messageId
        };
    } catch (err) {
        out = {
            ok: false,
            code: err.code || null,
            responseCode: err.responseCode || null,
            response: err.response || null,
            command: err.command || null,
            rejected: err.rejected || null,
            message: err.message
        };
    } finally {
        mailer.close();
    }
    process.stdout.write(JSON.stringify(out) + '\n');
    process.exitCode = out.ok ? 0 : 1;
}

main();
