#!/usr/bin/env node
// smsc-selftest.js - drives a running smsc.js with the npm smpp package's
// client and checks its answers and /state; prints one JSON line, exit 0 if ok.
'use strict';

const http = require('http');
const { parseArgs } = require('util');
const smpp = require('smpp');

const OPTIONS = {
    port: { type: 'string' },
    control: { type: 'string' },
    // as smsc.js was given them; without, any password binds
    'system-id': { type: 'string', default: 'relay' },
    password: { type: 'string' },
    tls: { type: 'boolean', default: false },
};
const args = parseArgs({ options: OPTIONS, strict: true }).values;

const EURO_TEXT = 'Preis 5€ {ok} [ä ß] ^~|\\ ';
const UCS2_TEXT = 'Привет 😀 мир';

function fail(msg) {
    throw new Error(msg);
}

function expect(cond, msg) {
    if (!cond)
        fail(msg);
}

function control(method, path, body) {
    return new Promise((resolve, reject) => {
        const data = body ? Buffer.from(JSON.stringify(body)) : null;
        const req = http.request({ host: '127.0.0.1', port: Number(args.control), method, path,
            headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
                try {
                    resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
                } catch (e) {
                    reject(e);
                }
            });
        });
        req.on('error', reject);
        req.end(data);
    });
}

// connect - a session once the (TLS) connection stands
function connect() {
    return new Promise((resolve, reject) => {
        const opts = { host: '127.0.0.1', port: Number(args.port) };
        if (args.tls) {
            opts.tls = true;
            opts.rejectUnauthorized = false;
        }
        const s = smpp.connect(opts, () => resolve(s));
        s.on('error', reject);
    });
}

// call - send a request and wait for its response PDU
function call(session, command, opts) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${command}: no answer`)), 5000);
        session[command](opts || {}, (pdu) => {
            clearTimeout(timer);
            resolve(pdu);
        });
    });
}

function answeredWithin(session, command, opts, ms) {
    return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), ms);
        session[command](opts, (pdu) => {
            clearTimeout(timer);
            resolve(pdu);
        });
    });
}

function closed(session) {
    return new Promise((resolve) => session.on('close', resolve));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// gsmPacked - "hellohello" packed, a vector of TS 23.038 practice
const HELLO_PACKED = Buffer.from('e8329bfd4697d9ec37', 'hex');

async function main() {
    await control('POST', '/reset', {});
    const s = await connect();
    const receipts = [];
    s.on('deliver_sm', (pdu) => {
        receipts.push(pdu);
        s.send(pdu.response());
    });

    let r;
    if (args.password !== undefined) {
        r = await call(s, 'bind_transceiver', { system_id: args['system-id'],
            password: 'wrong' });
        expect(r.command_status === 0x0e, `wrong password: status ${r.command_status}`);
    }
    r = await call(s, 'bind_transceiver', { system_id: args['system-id'],
        password: args.password || 'any', system_type: 'test', interface_version: 0x34 });
    expect(r.command_status === 0, `bind: status ${r.command_status}`);
    r = await call(s, 'bind_transceiver', { system_id: args['system-id'],
        password: args.password || 'any' });
    expect(r.command_status === 0x05, `second bind: status ${r.command_status}`);

    // a 2-part GSM message with UDH, unpacked septets; extension characters
    const common = { source_addr: 'ACME', source_addr_ton: 5, source_addr_npi: 0,
        destination_addr: '4917012345678', dest_addr_ton: 1, dest_addr_npi: 1 };
    const halves = [EURO_TEXT.slice(0, 10), EURO_TEXT.slice(10)];
    const ids = [];
    for (let i = 0; i < 2; i++) {
        r = await call(s, 'submit_sm', Object.assign({}, common, {
            data_coding: 0, registered_delivery: i === 1 ? 1 : 0,
            short_message: { udh: Buffer.from([5, 0, 3, 0x42, 2, i + 1]),
                message: halves[i] } }));
        expect(r.command_status === 0, `udh part ${i + 1}: status ${r.command_status}`);
        expect(/^[0-9a-f]+$/.test(r.message_id), `message_id ${r.message_id} is not hex`);
        ids.push(r.message_id);
    }
    // UCS-2 with an emoji, one part
    r = await call(s, 'submit_sm', Object.assign({}, common, {
        data_coding: 8, short_message: UCS2_TEXT }));
    expect(r.command_status === 0, `ucs2: status ${r.command_status}`);
    // SAR, two parts
    for (let i = 0; i < 2; i++) {
        r = await call(s, 'submit_sm', Object.assign({}, common, {
            data_coding: 0, short_message: i ? 'world' : 'hello ', sar_msg_ref_num: 0x1234,
            sar_total_segments: 2, sar_segment_seqnum: i + 1 }));
        expect(r.command_status === 0, `sar part ${i + 1}: status ${r.command_status}`);
    }
    // message_payload and packed GSM
    r = await call(s, 'submit_sm', Object.assign({}, common, {
        data_coding: 0, short_message: Buffer.alloc(0),
        message_payload: Buffer.from('payload text', 'ascii') }));
    expect(r.command_status === 0, `payload: status ${r.command_status}`);
    await control('POST', '/mode', { gsm_packed: true, id_format: 'pad' });
    r = await call(s, 'submit_sm', Object.assign({}, common, {
        data_coding: 0, short_message: HELLO_PACKED }));
    expect(/^[0-9a-f]{10}$/.test(r.message_id), `pad id ${r.message_id}`);
    // packed after a UDH: one fill bit, then "Hi" (test_sm_parts.c's vector)
    r = await call(s, 'submit_sm', Object.assign({}, common, {
        data_coding: 0, esm_class: 0x40,
        short_message: Buffer.from('050003070101' + '9069', 'hex') }));
    expect(r.command_status === 0, `packed udh: status ${r.command_status}`);
    await control('POST', '/mode', { gsm_packed: false, id_format: 'hex' });

    // throttling, a full queue, a failing number
    await control('POST', '/mode', { throttle: 1, msgqful: 1, fail: { 491111: 0x0b } });
    r = await call(s, 'submit_sm', Object.assign({}, common, { short_message: 'x' }));
    expect(r.command_status === 0x58, `throttle: status ${r.command_status}`);
    r = await call(s, 'submit_sm', Object.assign({}, common, { short_message: 'x' }));
    expect(r.command_status === 0x14, `msgqful: status ${r.command_status}`);
    r = await call(s, 'submit_sm', Object.assign({}, common, { destination_addr: '491111',
        short_message: 'x' }));
    expect(r.command_status === 0x0b, `fail: status ${r.command_status}`);

    // hold, then release
    await control('POST', '/mode', { hold: true });
    const heldReply = answeredWithin(s, 'submit_sm', Object.assign({}, common,
        { short_message: 'held' }), 3000);
    await sleep(300);
    let st = await control('GET', '/state');
    expect(st.held === 1, `held ${st.held}, want 1`);
    await control('POST', '/mode', { hold: false });
    r = await heldReply;
    expect(r && r.command_status === 0, 'the held submit was not answered on release');

    // the automatic receipt of part 2 (registered_delivery 1), and one by hand
    for (let i = 0; i < 50 && receipts.length < 1; i++)
        await sleep(20);
    expect(receipts.length === 1, `${receipts.length} receipts, want 1`);
    expect(receipts[0].esm_class === 4, 'receipt esm_class');
    expect(receipts[0].receipted_message_id === ids[1], `receipted_message_id ` +
        `${receipts[0].receipted_message_id}, want ${ids[1]}`);
    expect(String(receipts[0].short_message.message).startsWith(`id:${ids[1]} `),
        `receipt text ${receipts[0].short_message.message}`);
    r = await control('POST', '/receipt', { message_id: ids[0], stat: 'UNDELIV', err: '001',
        form: 'text' });
    expect(r.sent === true, 'manual receipt not sent');
    for (let i = 0; i < 50 && receipts.length < 2; i++)
        await sleep(20);
    expect(receipts.length === 2 && / stat:UNDELIV err:001 /.test(
        receipts[1].short_message.message), 'manual receipt text');
    expect(receipts[1].receipted_message_id === undefined, 'text form carries TLVs');

    // enquire_link, an unknown command, unbind
    r = await call(s, 'enquire_link');
    expect(r.command_status === 0, 'enquire_link');
    const nack = new Promise((resolve) => s.once('generic_nack', resolve));
    const raw = Buffer.alloc(16);
    raw.writeUInt32BE(16, 0);
    raw.writeUInt32BE(0x00000999, 4);
    raw.writeUInt32BE(0, 8);
    raw.writeUInt32BE(4242, 12);
    s.socket.write(raw);
    const n = await nack;
    expect(n.command_status === 3 && n.sequence_number === 4242, 'generic_nack');
    await sleep(100);
    st = await control('GET', '/state');
    r = await call(s, 'unbind');
    expect(r.command_status === 0, 'unbind');
    await closed(s);

    // the state as recorded
    const b = st.binds.slice(args.password !== undefined ? 1 : 0);
    expect(b.length === 2 && b[0].status === 0 && b[0].system_type === 'test' &&
        b[0].interface_version === 0x34 && b[1].status === 0x05 &&
        st.binds.length === (args.password !== undefined ? 3 : 2) &&
        st.binds[0].command === 'bind_transceiver', `binds ${JSON.stringify(st.binds)}`);
    const m = st.messages;
    expect(m[0].text === EURO_TEXT && m[0].parts === 2 && m[0].to === '4917012345678' &&
        m[0].from === 'ACME' && m[0].message_ids.join() === ids.join(),
    `udh message ${JSON.stringify(m[0])}`);
    expect(m[1].text === UCS2_TEXT && m[1].data_coding === 8, `ucs2 ${JSON.stringify(m[1])}`);
    expect(m[2].text === 'hello world' && m[2].parts === 2, `sar ${JSON.stringify(m[2])}`);
    expect(m[3].text === 'payload text', `payload ${JSON.stringify(m[3])}`);
    expect(m[4].text === 'hellohello', `packed ${JSON.stringify(m[4])}`);
    expect(m[5].text === 'Hi', `packed after a UDH ${JSON.stringify(m[5])}`);
    expect(m.length === 7 && m[6].text === 'held', `messages ${m.length}`);
    const sub = st.submits;
    expect(sub[0].udh && sub[0].udh.ref === 0x42 && sub[0].udh.total === 2 &&
        sub[0].udh.seq === 1 && sub[0].esm_class === 0x40, `udh ${JSON.stringify(sub[0])}`);
    expect(sub[3].sar && sub[3].sar.ref === 0x1234 && sub[3].sar.seq === 1, 'sar record');
    expect(sub[5].payload === true && sub[5].raw_hex === '', 'payload record');
    expect(sub[6].raw_hex === HELLO_PACKED.toString('hex'), 'raw_hex');
    expect(st.deliver_resps.length === 2 && st.deliver_resps[0].command_status === 0,
        'deliver_resps');
    expect(st.enquire_links === 1 && st.generic_nacks === 1, 'counters');
    for (let i = 0; i < 50; i++) {
        st = await control('GET', '/state');
        if (st.connections === 0)
            break;
        await sleep(20);
    }
    expect(st.unbinds === 1 && st.connections === 0, `unbinds ${st.unbinds} ` +
        `connections ${st.connections}`);

    // a connection dropped mid-window: the second submit is never answered
    await control('POST', '/mode', { drop_after: 2 });
    const t = await connect();
    t.on('error', () => {});
    r = await call(t, 'bind_transmitter', { system_id: args['system-id'],
        password: args.password || 'any' });
    expect(r.command_status === 0, `bind_transmitter: status ${r.command_status}`);
    const gone = closed(t);
    const first = answeredWithin(t, 'submit_sm', Object.assign({}, common,
        { short_message: 'one' }), 2000);
    const second = answeredWithin(t, 'submit_sm', Object.assign({}, common,
        { short_message: 'two' }), 2000);
    expect((await first) !== null, 'first submit before the drop unanswered');
    expect((await second) === null, 'second submit answered before the drop');
    await gone;
    return { ok: true, messages: m.length + 1 };
}

main().then((out) => {
    process.stdout.write(JSON.stringify(out) + '\n');
    process.exit(0);
}, (e) => {
    process.stdout.write(JSON.stringify({ ok: false, error: e.message }) + '\n');
    process.exit(1);
});
