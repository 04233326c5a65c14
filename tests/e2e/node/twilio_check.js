#!/usr/bin/env node
// twilio_check.js - what the twilio library's validateRequest says of a
// status callback: the e2e test signs one as smsrelay expects it and asks.
'use strict';

const twilio = require('twilio');

const USAGE = 'usage: node twilio_check.js JSON\n' +
    '  JSON: {"token": ..., "signature": ..., "url": ..., "params": {...}}\n' +
    '  prints {"valid": true|false}\n';

function main() {
    if (process.argv.length !== 3) {
        process.stderr.write(USAGE);
        process.exit(2);
    }
    const req = JSON.parse(process.argv[2]);
    const valid = twilio.validateRequest(req.token, req.signature, req.url,
        req.params);
    process.stdout.write(JSON.stringify({ valid: valid }) + '\n');
}

main();
