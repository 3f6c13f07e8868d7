// report_browser.js — opens HTML reports of `h2scope read --html` in headless
// Chromium (Debian's, driven by playwright-core from the build's npm install)
// and checks each: no console error and no page error, no request at all
// besides the page itself (every request is recorded), one lane per stream
// of every connection, every finding in the findings table; a full-page
// screenshot of each is kept. Used by tests/cli/test_report_browser.sh.
//   node report_browser.js CASES.json SHOT_DIR
//   node report_browser.js --time FILE.html [SHOT.png]   (bench/report.sh: one
//     line of JSON with the time from navigation to the drawn page, in ms)
// CASES.json: [{"name", "html", "streams": {"<conn>": n}, "findings": n}]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

async function checkOne(browser, c, shots) {
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const pageUrl = 'file://' + path.resolve(c.html);
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  const t0 = Date.now();
  await page.goto(pageUrl, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
  const renderMs = Date.now() - t0;
  const lanes = await page.$$eval('details.conn', (ds) => Object.fromEntries(ds.map((d) =>
    [d.dataset.conn, d.querySelectorAll('li.stream-lane').length])));
  const aggregated = await page.$$eval('li[data-aggregated]:not([data-aggregated="0"])', (l) => l.length);
  const findingRows = await page.$$eval('tr.finding', (r) => r.length);
  const charts = await page.$$eval('.uplot', (u) => u.length);
  for (const [conn, n] of Object.entries(c.streams))
    if ((lanes[conn] || 0) !== n) problems.push(`connection ${conn}: ${lanes[conn] || 0} stream lanes, read --json has ${n} streams`);
  for (const conn of Object.keys(lanes))
    if (!(conn in c.streams) && lanes[conn] !== 0) problems.push(`connection ${conn}: lanes but no frames in read --json`);
  if (aggregated) problems.push(`${aggregated} aggregated lanes in a small capture`);
  if (findingRows !== c.findings) problems.push(`${findingRows} findings in the page, read --lint --json has ${c.findings}`);
  if (Object.keys(c.streams).length && charts === 0) problems.push('no chart drawn');
  const foreign = requests.filter((u) => u !== pageUrl);
  if (foreign.length) problems.push('requests besides the page: ' + foreign.join(' '));
  // Clicking a frame in the first waterfall shows a frame's fields.
  const wf = await page.$('.waterfall .u-over');
  if (wf) {
    await wf.scrollIntoViewIfNeeded(); /* the exchanges table may push it below the fold */
    const box = await wf.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const detail = await page.textContent('#detail-body');
    if (!detail.trim()) problems.push('hovering/clicking a waterfall shows no frame');
    else if (/^type/.test(detail.trim()) && !/packet\s*\d+/.test(detail)) problems.push('the frame shown has no packet number: ' + detail.slice(0, 120));
  }
  // Flow-control windows: a chart wherever read gave windows (c.windows: W lines).
  const windowCharts = await page.$$eval('.windows .uplot', (u) => u.length);
  if (c.windows && windowCharts === 0) problems.push('windows in the data but no windows chart');
  // Clicking a finding shows it, with its connection's waterfall zoomed to it.
  const finding = await page.$('tr.finding');
  if (finding) {
    const id = await finding.getAttribute('data-id');
    await finding.click();
    const detail = await page.textContent('#detail-body');
    if (!detail.includes(id)) problems.push(`clicking finding ${id} does not show it`);
  }
  await page.screenshot({ path: path.join(shots, c.name + '.png'), fullPage: true });
  await context.close();
  return { name: c.name, renderMs, lanes, findingRows, charts, requests: requests.length, problems };
}

async function timeOne(browser, html, shot) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  let requests = 0;
  context.on('request', () => requests++);
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = Date.now();
  await page.goto('file://' + path.resolve(html), { waitUntil: 'load', timeout: 120000 });
  const loadMs = Date.now() - t0;
  await page.waitForSelector('body[data-ready="1"]', { timeout: 120000 });
  const readyMs = Date.now() - t0;
  // One more frame so that the canvases are painted.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  const paintMs = Date.now() - t0;
  if (shot) await page.screenshot({ path: shot });
  const steps = await page.evaluate(() => ({ parse_ms: Number(document.body.dataset.msParse),
    start_ms: Number(document.body.dataset.msStart), page_ms: Number(document.body.dataset.msPage), charts_ms: Number(document.body.dataset.msCharts) }));
  const points = await page.$$eval('.waterfall', (w) => w.reduce((n, e) => n + Number(e.dataset.points || 0), 0));
  await context.close();
  return { load_ms: loadMs, ready_ms: readyMs, painted_ms: paintMs, ...steps, points, requests, errors };
}

function launch() {
  return chromium.launch({
    executablePath: process.env.H2_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

(async () => {
  if (process.argv[2] === '--time') {
    const browser = await launch();
    const r = await timeOne(browser, process.argv[3], process.argv[4]);
    await browser.close();
    console.log(JSON.stringify(r));
    process.exit(r.errors.length || r.requests !== 1 ? 1 : 0);
  }
  const [casesFile, shots] = process.argv.slice(2);
  const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
  fs.mkdirSync(shots, { recursive: true });
  const browser = await launch();
  let failed = 0;
  try {
    for (const c of cases) {
      const r = await checkOne(browser, c, shots);
      console.log(JSON.stringify({ name: r.name, render_ms: r.renderMs, charts: r.charts, findings: r.findingRows, requests: r.requests, problems: r.problems }));
      if (r.problems.length) failed++;
    }
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
