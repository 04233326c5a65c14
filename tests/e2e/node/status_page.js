// status_page.js - loads smsrelayd's /status in Debian's chromium through
// playwright-core and prints what a reader sees there as one JSON line.
//
// usage: node status_page.js '{"url": ..., "screenshot": path,
//          "javascript": true, "user": u, "password": p, "certificate": pem}'
'use strict';

const { chromium } = require('playwright-core');

const opts = JSON.parse(process.argv[2]);

// every table of the page as rows of cell texts, by the table's id
function readTables() {
  const out = {};
  for (const t of document.querySelectorAll('table[id]')) {
    out[t.id] = [...t.rows].map((r) => [...r.cells].map((c) => c.textContent));
  }
  return out;
}

// what the script drew: per chart, its SVG's drawn elements and points
function readCharts() {
  const out = {};
  for (const f of document.querySelectorAll('figure[data-series]')) {
    const line = f.querySelector('svg polyline');
    out[f.dataset.series] = {
      elements: f.querySelectorAll('svg *').length,
      points: line ? line.getAttribute('points').trim().split(/\s+/).length : 0,
    };
  }
  return out;
}

async function main() {
  const browser = await chromium.launch({
    executablePath: opts.executable || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const result = { consoleErrors: [], pageErrors: [] };
  try {
    const context = await browser.newContext({
      javaScriptEnabled: opts.javascript !== false,
      ignoreHTTPSErrors: Boolean(opts.insecure),
      httpCredentials: opts.user ? { username: opts.user, password: opts.password } : undefined,
      viewport: { width: 1100, height: 900 },
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') result.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => result.pageErrors.push(String(e)));
    const resp = await page.goto(opts.url, { waitUntil: 'load', timeout: 20000 });
    result.status = resp.status();
    result.headers = resp.headers();
    result.title = await page.title();
    result.tables = await page.evaluate(readTables);
    result.charts = await page.evaluate(readCharts);
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot, fullPage: true });
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
