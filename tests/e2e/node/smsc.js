#!/usr/bin/env node
// smsc.js - an SMSC for the end-to-end tests on the npm smpp package's server:
// records binds and submits, answers as /mode says, sends delivery receipts.
'use strict';

const fs = require('fs');
const http = require('http');
const { parseArgs } = require('util');
const smpp = require('smpp');

const USAGE = `usage: node smsc.js --port P --control C [--tls-cert F --tls-key K]
       [--system-id ID --password PW] [--quiet]
SMPP on 127.0.0.1:P (TLS with cert and key), the JSON control API on
127.0.0.1:C: GET /state, POST /mode, POST /receipt, POST /mo, POST /reset.
Prints "ready" once both listen.`;

const OPTIONS = {
    port: { type: 'string' },
    control: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'system-id': { type: 'string' },
    password: { type: 'string' },
    quiet: { type: 'boolean', default: false },
};

const ESME_ROK = 0x00;
const ESME_RINVBNDSTS = 0x04;
const ESME_RALYBND = 0x05;
const ESME_RINVCMDID = 0x03;
const ESME_RINVPASWD = 0x0e;
const ESME_RMSGQFUL = 0x14;
const ESME_RTHROTTLED = 0x58;
const ESM_UDHI = 0x40;
const ESM_RECEIPT = 0x04;
const DC_DEFAULT = 0x00;
const DC_IA5 = 0x01;
const DC_LATIN1 = 0x03;
const DC_UCS2 = 0x08;
const FIRST_ID = 0x1a2b3c;
const GSM_CR = 0x0d;

// message_state of a receipt's stat (SMPP 3.4, 5.2.28)
const STATES = {
    ENROUTE: 1, DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5,
    ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8,
};

// GSM 03.38 default alphabet by code, and the extension table after 0x1b
const GSM_DEFAULT =
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = {
    0x0a: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[',
    0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€',
};

// The package decodes short_message and message_payload into strings by
// its own tables (unpacked only, the UDH split off): take the raw octets.
delete smpp.commands.submit_sm.params.short_message.filter;
delete smpp.commands.deliver_sm.params.short_message.filter;
delete smpp.tlvs.message_payload.filter;

function defaultModes() {
    return {
        throttle: 0, msgqful: 0, fail: {}, drop_after: null, hold: false,
        delay_ms: 0, receipts: 'both', receipt_id_format: 'same',
        receipt_delay_ms: 0, id_format: 'hex', gsm_packed: false,
        refuse_bind: 0,
    };
}

function emptyState() {
    return {
        binds: [], submits: [], messages: [], deliver_resps: [],
        unbinds: 0, enquire_links: 0, generic_nacks: 0,
        generic_nacks_received: 0, connections_total: 0,
    };
}

let args;
try {
    args = parseArgs({ options: OPTIONS, strict: true }).values;
} catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
}
if (!args.port || !args.control ||
    (!args['tls-cert'] !== !args['tls-key'])) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
}

let modes = defaultModes();
let state = emptyState();
let nextId = FIRST_ID;
let held = [];                  // answers waiting for hold: false
let pendingReceipts = [];       // receipts for a system_id with no receiver
let partial = new Map();        // concatenation key -> {parts by seq}

function log(text) {
    if (!args.quiet)
        process.stderr.write(`smsc: ${text}\n`);
}

// ---- text -----------------------------------------------------------------

// decodeSeptets - GSM 03.38, one septet an octet; a bad escape is U+FFFD
function decodeSeptets(septets) {
    let out = '';
    for (let i = 0; i < septets.length; i++) {
        const c = septets[i] & 0x7f;
        if (c === 0x1b) {
            const ext = i + 1 < septets.length ? GSM_EXTENSION[septets[++i]] : undefined;
            out += ext === undefined ? '\ufffd' : ext;
        } else {
            out += GSM_DEFAULT[c];
        }
    }
    return out;
}

// unpackSeptets - packed septets from bit offset `start`; the CR the packer
// puts in 7 spare bits (TS 23.038 6.1.2.3.1) is not text
function unpackSeptets(buf, start) {
    const bits = buf.length * 8 - start;
    const n = Math.floor(bits / 7);
    const out = [];
    for (let i = 0; i < n; i++) {
        let v = 0;
        for (let b = 0; b < 7; b++) {
            const bit = start + 7 * i + b;
            if ((buf[bit >> 3] >> (bit & 7)) & 1)
                v |= 1 << b;
        }
        out.push(v);
    }
    if (n > 0 && bits % 7 === 0 && out[n - 1] === GSM_CR)
        out.pop();
    return out;
}

// decodeUcs2 - UTF-16 big endian; surrogate pairs join into one character
function decodeUcs2(buf) {
    const units = [];
    for (let i = 0; i + 1 < buf.length; i += 2)
        units.push(buf.readUInt16BE(i));
    return String.fromCharCode(...units);
}

// decodeText - the text of octets in data_coding, packed GSM after udhOctets
function decodeText(buf, dataCoding, packed, udhOctets) {
    switch (dataCoding) {
    case DC_DEFAULT:
        if (packed) {
            const start = udhOctets * 8;
            const fill = (7 - start % 7) % 7;
            return decodeSeptets(unpackSeptets(buf, start + fill));
        }
        return decodeSeptets(buf.subarray(udhOctets));
    case DC_IA5:
        return buf.subarray(udhOctets).toString('ascii');
    case DC_LATIN1:
        return buf.subarray(udhOctets).toString('latin1');
    case DC_UCS2:
        return decodeUcs2(buf.subarray(udhOctets));
    default:
        return null;
    }
}

// parseUdh - the concatenation element of a UDH (8- or 16-bit reference)
function parseUdh(buf) {
    if (buf.length < 1 || buf[0] + 1 > buf.length)
        return { octets: 0, concat: null };
    const end = buf[0] + 1;
    let concat = null;
    for (let i = 1; i + 1 < end;) {
        const iei = buf[i], len = buf[i + 1], v = buf.subarray(i + 2, i + 2 + len);
        if (iei === 0x00 && len === 3)
            concat = { ref: v[0], total: v[1], seq: v[2] };
        else if (iei === 0x08 && len === 4)
            concat = { ref: v.readUInt16BE(0), total: v[2], seq: v[3] };
        i += 2 + len;
    }
    return { octets: end, concat };
}

// ---- message ids ------------------------------------------------------------

function formatId(n, format) {
    switch (format) {
    case 'dec': return n.toString(10);
    case 'pad': return n.toString(16).padStart(10, '0');
    default: return n.toString(16);
    }
}

// receiptId - the id as the receipt spells it (receipt_id_format)
function receiptId(submit) {
    switch (modes.receipt_id_format) {
    case 'dec': return submit.id_number.toString(10);
    case 'pad': return submit.message_id.padStart(10, '0');
    default: return submit.message_id;
    }
}

// ---- receipts ---------------------------------------------------------------

function smscDate(d) {
    const p = (n) => String(n).padStart(2, '0');
    return p(d.getUTCFullYear() % 100) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) +
        p(d.getUTCHours()) + p(d.getUTCMinutes());
}

// receiptPdu - the deliver_sm of a receipt: Appendix B text and/or TLVs
function receiptPdu(r) {
    const stat = r.stat || 'DELIVRD';
    const err = r.err || '000';
    const now = smscDate(new Date());
    const submitted = smscDate(r.submitted || new Date());
    const opts = {
        source_addr_ton: r.dest_addr_ton || 0, source_addr_npi: r.dest_addr_npi || 0,
        source_addr: r.destination_addr || '',
        dest_addr_ton: r.source_addr_ton || 0, dest_addr_npi: r.source_addr_npi || 0,
        destination_addr: r.source_addr || '',
        esm_class: ESM_RECEIPT, data_coding: DC_DEFAULT,
        short_message: Buffer.alloc(0),
    };
    const form = r.form || 'both';
    if (form === 'text' || form === 'both') {
        const excerpt = (r.text || '').slice(0, 20).replace(/[^\x20-\x7e]/g, '?');
        const text = `id:${r.message_id} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} ` +
            `submit date:${submitted} done date:${now} stat:${stat} err:${err} text:${excerpt}`;
        opts.short_message = Buffer.from(text, 'ascii');
    }
    if (form === 'tlv' || form === 'both') {
        opts.receipted_message_id = r.message_id;
        opts.message_state = STATES[stat] || STATES.UNKNOWN;
        if (err !== '000') {
            const code = parseInt(err, 10) || 0;
            opts.network_error_code = Buffer.from([3, (code >> 8) & 0xff, code & 0xff]);
        }
    }
    return new smpp.PDU('deliver_sm', opts);
}

// receiverFor - an open session bound to receive for system_id
function receiverFor(systemId) {
    return server.sessions.find((s) => s.bound && s.bound.receives &&
        (systemId === null || s.bound.system_id === systemId));
}

// sendReceipt - deliver now, or keep until a receiver binds
function sendReceipt(r) {
    const session = receiverFor(r.system_id);
    if (!session) {
        pendingReceipts.push(r);
        log(`receipt for ${r.message_id} waits for a receiver`);
        return false;
    }
    const pdu = receiptPdu(r);
    session.send(pdu, (resp) => {
        state.deliver_resps.push({
            seq: resp.sequence_number, command_status: resp.command_status,
            message_id: r.message_id,
        });
    });
    log(`deliver_sm receipt id:${r.message_id} stat:${r.stat || 'DELIVRD'}`);
    return true;
}

// mobileOriginated - a subscriber's SMS (deliver_sm, esm_class 0) to a receiver
function mobileOriginated(body) {
    const session = receiverFor(null);
    if (!session)
        return { sent: false };
    const ucs2 = body.data_coding === 8;
    const text = String(body.text || '');
    const pdu = new smpp.PDU('deliver_sm', {
        source_addr_ton: body.ton === undefined ? 1 : body.ton, source_addr_npi: 1,
        source_addr: String(body.from || ''),
        dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: String(body.to || ''),
        esm_class: 0, data_coding: ucs2 ? 8 : DC_DEFAULT,
        short_message: ucs2 ? Buffer.from(text, 'utf16le').swap16()
            : Buffer.from(text, 'ascii'),
    });
    session.send(pdu, (resp) => {
        state.deliver_resps.push({
            seq: resp.sequence_number, command_status: resp.command_status, mo: true,
        });
    });
    log(`deliver_sm MO from:${body.from}`);
    return { sent: true };
}

function flushReceipts() {
    const waiting = pendingReceipts;
    pendingReceipts = [];
    waiting.forEach(sendReceipt);
}

// scheduleReceipt - the automatic receipt of an accepted submit
function scheduleReceipt(session, submit) {
    if (modes.receipts === 'none' || !(submit.registered_delivery & 1))
        return;
    const r = {
        system_id: session.bound.system_id, message_id: receiptId(submit),
        stat: 'DELIVRD', err: '000', form: modes.receipts, text: submit.text,
        submitted: submit.received, source_addr: submit.source_addr,
        source_addr_ton: submit.source_addr_ton, source_addr_npi: submit.source_addr_npi,
        destination_addr: submit.destination_addr, dest_addr_ton: submit.dest_addr_ton,
        dest_addr_npi: submit.dest_addr_npi,
    };
    setTimeout(() => sendReceipt(r), modes.receipt_delay_ms);
}

// ---- concatenation -----------------------------------------------------------

function addMessage(parts, dataCoding) {
    state.messages.push({
        to: parts[0].destination_addr, from: parts[0].source_addr,
        text: parts.map((p) => p.text === null ? '' : p.text).join(''),
        parts: parts.length, message_ids: parts.map((p) => p.message_id),
        data_coding: dataCoding,
    });
}

// assemble - an accepted part joins its message, complete once all are in
function assemble(submit) {
    const c = submit.udh || submit.sar;
    if (!c || c.total <= 1) {
        addMessage([submit], submit.data_coding);
        return;
    }
    const key = [submit.udh ? 'udh' : 'sar', c.ref, c.total, submit.source_addr,
        submit.destination_addr].join('\u0000');
    if (!partial.has(key))
        partial.set(key, new Map());
    const parts = partial.get(key);
    parts.set(c.seq, submit);
    if (parts.size < c.total)
        return;
    partial.delete(key);
    const ordered = [...parts.keys()].sort((a, b) => a - b).map((k) => parts.get(k));
    addMessage(ordered, submit.data_coding);
}

// ---- submit_sm ----------------------------------------------------------------

function recordSubmit(session, pdu) {
    const sm = Buffer.isBuffer(pdu.short_message) ? pdu.short_message : Buffer.alloc(0);
    const payload = Buffer.isBuffer(pdu.message_payload) ? pdu.message_payload : null;
    const body = payload && sm.length === 0 ? payload : sm;
    let udh = null, udhOctets = 0;
    if (pdu.esm_class & ESM_UDHI) {
        const parsed = parseUdh(body);
        udhOctets = parsed.octets;
        udh = parsed.concat;
    }
    let sar = null;
    if (pdu.sar_msg_ref_num !== undefined)
        sar = { ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments,
            seq: pdu.sar_segment_seqnum };
    const packed = modes.gsm_packed && body === sm;
    const submit = {
        seq: pdu.sequence_number, message_id: null, status: null,
        system_id: session.bound ? session.bound.system_id : null,
        source_addr: pdu.source_addr, source_addr_ton: pdu.source_addr_ton,
        source_addr_npi: pdu.source_addr_npi, destination_addr: pdu.destination_addr,
        dest_addr_ton: pdu.dest_addr_ton, dest_addr_npi: pdu.dest_addr_npi,
        esm_class: pdu.esm_class, data_coding: pdu.data_coding,
        registered_delivery: pdu.registered_delivery, udh, sar,
        payload: payload !== null,
        text: decodeText(body, pdu.data_coding, packed, udhOctets),
        raw_hex: sm.toString('hex'),
    };
    Object.defineProperty(submit, 'received', { value: new Date(), enumerable: false });
    Object.defineProperty(submit, 'id_number', { value: 0, writable: true, enumerable: false });
    state.submits.push(submit);
    return submit;
}

// verdict - the command_status the modes give this submit
function verdict(session, submit) {
    if (!session.bound || !session.bound.transmits)
        return ESME_RINVBNDSTS;
    if (modes.throttle > 0) {
        modes.throttle--;
        return ESME_RTHROTTLED;
    }
    if (modes.msgqful > 0) {
        modes.msgqful--;
        return ESME_RMSGQFUL;
    }
    if (Object.prototype.hasOwnProperty.call(modes.fail, submit.destination_addr))
        return Number(modes.fail[submit.destination_addr]);
    return ESME_ROK;
}

// answer - submit_sm_resp with the verdict; an accepted part is assembled
function answer(session, pdu, submit, status) {
    if (!session.socket.writable)
        return;
    const opts = { command_status: status };
    if (status === ESME_ROK) {
        submit.id_number = nextId++;
        submit.message_id = formatId(submit.id_number, modes.id_format);
        opts.message_id = submit.message_id;
    }
    submit.status = status;
    session.send(pdu.response(opts));
    log(`submit_sm seq=${pdu.sequence_number} to=${submit.destination_addr} ` +
        `status=0x${status.toString(16)} id=${submit.message_id}`);
    if (status === ESME_ROK) {
        assemble(submit);
        scheduleReceipt(session, submit);
    }
}

function onSubmit(session, pdu) {
    const submit = recordSubmit(session, pdu);
    const status = verdict(session, submit);
    if (modes.drop_after !== null) {
        if (--modes.drop_after <= 0) {
            modes.drop_after = null;
            log('dropping the connection mid-window');
            session.destroy();
            return;
        }
    }
    const reply = () => answer(session, pdu, submit, status);
    if (modes.hold)
        held.push(reply);
    else if (modes.delay_ms > 0)
        setTimeout(reply, modes.delay_ms);
    else
        reply();
}

// ---- binds and the rest ------------------------------------------------------------

const BIND_KINDS = {
    bind_transceiver: { transmits: true, receives: true },
    bind_transmitter: { transmits: true, receives: false },
    bind_receiver: { transmits: false, receives: true },
};

function onBind(session, pdu) {
    let status = ESME_ROK;
    if (session.bound)
        status = ESME_RALYBND;
    else if (modes.refuse_bind)
        status = Number(modes.refuse_bind);
    else if ((args['system-id'] !== undefined && pdu.system_id !== args['system-id']) ||
        (args.password !== undefined && pdu.password !== args.password))
        status = ESME_RINVPASWD;
    state.binds.push({
        command: pdu.command, system_id: pdu.system_id, system_type: pdu.system_type,
        interface_version: pdu.interface_version, address_range: pdu.address_range,
        status,
    });
    log(`${pdu.command} system_id=${pdu.system_id} status=0x${status.toString(16)}`);
    if (status !== ESME_ROK) {
        session.send(pdu.response({ command_status: status }));
        return;
    }
    session.bound = Object.assign({ system_id: pdu.system_id }, BIND_KINDS[pdu.command]);
    session.send(pdu.response({ system_id: 'SMSCSIM' }));
    if (session.bound.receives)
        flushReceipts();
}

const SERVED = new Set(['bind_transceiver', 'bind_transmitter', 'bind_receiver',
    'submit_sm', 'enquire_link', 'unbind']);

function onSession(session) {
    state.connections_total++;
    session.bound = null;
    session.on('bind_transceiver', (pdu) => onBind(session, pdu));
    session.on('bind_transmitter', (pdu) => onBind(session, pdu));
    session.on('bind_receiver', (pdu) => onBind(session, pdu));
    session.on('submit_sm', (pdu) => onSubmit(session, pdu));
    session.on('enquire_link', (pdu) => {
        state.enquire_links++;
        session.send(pdu.response());
    });
    session.on('unbind', (pdu) => {
        state.unbinds++;
        session.bound = null;
        session.send(pdu.response(), () => session.close());
    });
    session.on('generic_nack', () => { state.generic_nacks_received++; });
    // a request the simulator does not serve (query_sm, data_sm, ... or an
    // id the package does not know): generic_nack, ESME_RINVCMDID
    session.on('pdu', (pdu) => {
        if (pdu.isResponse() || SERVED.has(pdu.command))
            return;
        state.generic_nacks++;
        session.send(new smpp.PDU('generic_nack', {
            sequence_number: pdu.sequence_number, command_status: ESME_RINVCMDID,
        }));
    });
    session.on('error', (e) => log(`session error: ${e.message}`));
}

// ---- control API -----------------------------------------------------------------

const MODE_KEYS = Object.keys(defaultModes());

function setModes(body) {
    for (const key of Object.keys(body)) {
        if (!MODE_KEYS.includes(key))
            throw new Error(`unknown mode ${key}`);
    }
    const wasHeld = modes.hold;
    Object.assign(modes, body);
    if (body.fail !== undefined && (body.fail === null || typeof body.fail !== 'object'))
        modes.fail = {};
    if (wasHeld && !modes.hold) {
        const release = held;
        held = [];
        release.forEach((reply) => reply());
    }
}

function manualReceipt(body) {
    if (!body.message_id)
        throw new Error('message_id is required');
    const submit = state.submits.find((s) => s.message_id === body.message_id);
    const r = {
        system_id: submit ? submit.system_id : null, message_id: body.message_id,
        stat: body.stat || 'DELIVRD', err: body.err || '000', form: body.form || 'both',
        text: submit ? submit.text : '',
        submitted: submit ? submit.received : new Date(),
    };
    if (submit) {
        for (const k of ['source_addr', 'source_addr_ton', 'source_addr_npi',
            'destination_addr', 'dest_addr_ton', 'dest_addr_npi'])
            r[k] = submit[k];
    }
    return { ok: true, sent: sendReceipt(r) };
}

function reply(res, status, obj) {
    const data = Buffer.from(JSON.stringify(obj));
    res.writeHead(status, { 'Content-Type': 'application/json',
        'Content-Length': data.length });
    res.end(data);
}

function route(req, body) {
    const key = `${req.method} ${req.url}`;
    switch (key) {
    case 'GET /state':
        return Object.assign({}, state, { connections: server.sessions.length,
            modes, held: held.length, pending_receipts: pendingReceipts.length });
    case 'POST /mode':
        setModes(body);
        return { ok: true, modes };
    case 'POST /receipt':
        return manualReceipt(body);
    case 'POST /mo':
        return mobileOriginated(body);
    case 'POST /reset':
        modes = defaultModes();
        state = emptyState();
        held = [];
        pendingReceipts = [];
        partial = new Map();
        return { ok: true };
    default:
        return null;
    }
}

function onControl(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
        let body = {};
        try {
            const text = Buffer.concat(chunks).toString('utf8');
            if (text.trim())
                body = JSON.parse(text);
            if (body === null || typeof body !== 'object' || Array.isArray(body))
                throw new Error('want a JSON object');
            const out = route(req, body);
            if (out === null)
                return reply(res, 404, { error: `no ${req.method} ${req.url}` });
            return reply(res, 200, out);
        } catch (e) {
            return reply(res, 400, { error: e.message });
        }
    });
}

// ---- start ------------------------------------------------------------------------

const serverOptions = {};
if (args['tls-cert']) {
    serverOptions.cert = fs.readFileSync(args['tls-cert']);
    serverOptions.key = fs.readFileSync(args['tls-key']);
}
const server = smpp.createServer(serverOptions, onSession);
const control = http.createServer(onControl);
let listening = 0;

function started() {
    if (++listening === 2)
        process.stdout.write('ready\n');
}

server.on('error', (e) => { process.stderr.write(`smsc: smpp: ${e.message}\n`); process.exit(1); });
control.on('error', (e) => { process.stderr.write(`smsc: control: ${e.message}\n`); process.exit(1); });
server.listen(Number(args.port), '127.0.0.1', started);
control.listen(Number(args.control), '127.0.0.1', started);
process.on('SIGTERM', () => process.exit(0));
