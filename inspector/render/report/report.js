/* report.js — the script of h2scope's HTML report (read --html). It reads
 * the data block the C writer streamed into the page (report_write.h,
 * docs/report.md), prepares the series and hands them to the charting
 * library (uPlot, inlined at build time): all axes, scales and plotting are
 * the library's. The data-preparation functions are pure and exported for
 * the unit test (report.test.js under node:test); the rest wires the page. */
'use strict';

const H2Report = (function () {
  const TYPES = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING',
    'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'];
  const END_STREAM = 0x1;
  /* The marks of a waterfall, one chart series each, in drawing order. */
  const MARKS = ['request headers', 'response headers', 'DATA', 'END_STREAM', 'RST_STREAM',
    'PUSH_PROMISE', 'other frames', 'gap / resync / skipped', 'finding', 'frames past the limit (binned)',
    'window stall'];

  /* Extension frame types read decodes (RFC 7838, RFC 8336, RFC 9218). */
  const EXTENSION_TYPES = { 10: 'ALTSVC', 12: 'ORIGIN', 16: 'PRIORITY_UPDATE' };

  function typeName(t) {
    return t < TYPES.length ? TYPES[t] : EXTENSION_TYPES[t] || 'type 0x' + t.toString(16);
  }

  function newConn(id) {
    return { id, src: '', dst: '', t: 0, frames: [], tables: [], windows: [], bins: [], events: [],
      findings: [], streams: new Set() };
  }

  /* The data block's lines into a model: report settings, connections with
   * their frames (F, with J details), HPACK table sizes (T), windows (W),
   * frames past the limit by time bin (G), events (E), findings (JSON
   * lines), exchanges (X) and the totals (A). Unknown lines are skipped (a
   * newer writer). */
  function parseData(text) {
    const model = { report: {}, base: 0, conns: new Map(), exchanges: [], left: {},
      findings: [], events: [] };
    const conn = (id) => {
      let c = model.conns.get(id);
      if (!c) model.conns.set(id, c = newConn(id));
      return c;
    };
    let last = null;
    for (const line of text.split('\n')) {
      if (line.length < 2) continue;
      const kind = line[0];
      if (kind === 'F') {
        const v = line.slice(2).split(' ').map(Number);
        const f = { conn: v[0], dir: v[1], stream: v[2], type: v[3], flags: v[4], length: v[5],
          t: v[6] / 1e6, packet: v[7], extra: v[8], error: v[9] === 1, detail: null };
        const c = conn(f.conn);
        f.index = c.frames.length;
        c.frames.push(f);
        if (f.stream !== 0) c.streams.add(f.stream);
        last = f;
      } else if (kind === 'J') {
        if (last) last.detail = JSON.parse(line.slice(2));
      } else if (kind === 'T') {
        const v = line.slice(2).split(' ').map(Number);
        conn(v[0]).tables.push({ dir: v[1], t: v[2] / 1e6, size: v[3] });
      } else if (kind === 'G') {
        const v = line.slice(2).split(' ').map(Number);
        conn(v[0]).bins.push({ bin: true, t: v[1] / 1e6, frames: v[2], bytes: v[3] });
      } else if (kind === 'W') {
        // W conn stream t client_conn server_conn client_stream server_stream ('-': unknown)
        const v = line.slice(2).split(' ').map((x) => (x === '-' ? null : Number(x)));
        conn(v[0]).windows.push({ stream: v[1], t: v[2] / 1e6, conn: [v[3], v[4]], stream_window: [v[5], v[6]] });
      } else if (kind === 'E') {
        const e = JSON.parse(line.slice(2));
        e.t = Math.max(0, e.ts - model.base);
        model.events.push(e);
        if (e.conn) conn(e.conn).events.push(e);
      } else if (kind === '{') {
        const f = JSON.parse(line);
        f.t = Math.max(0, f.ts - model.base);
        model.findings.push(f);
        conn(f.conn).findings.push(f);
      } else if (kind === 'C') {
        const o = JSON.parse(line.slice(2));
        const c = conn(o.conn);
        c.src = o.src;
        c.dst = o.dst;
        c.t = o.t / 1e6;
      } else if (kind === 'B') {
        model.base = Number(line.slice(2));
      } else if (kind === 'R') {
        model.report = JSON.parse(line.slice(2));
      } else if (kind === 'X') {
        const x = JSON.parse(line.slice(2));
        model.exchanges.push(x.exchange || x);
      } else if (kind === 'A') {
        model.left = JSON.parse(line.slice(2));
      }
    }
    for (const c of model.conns.values()) c.frames.sort((a, b) => a.t - b.t || a.index - b.index);
    return model;
  }

  /* Lanes of a connection's waterfall: the capture's own lane (gaps,
   * resyncs), the connection (stream 0), then one per stream in the order
   * of their ids; past maxLanes streams the rest share one aggregated lane. */
  function lanesOf(c, maxLanes) {
    const ids = [...c.streams].sort((a, b) => a - b);
    const lanes = [{ label: 'capture', stream: -1 }, { label: 'connection', stream: 0 }];
    const laneOf = new Map([[0, 1]]);
    ids.forEach((id, i) => {
      if (i < maxLanes) {
        laneOf.set(id, lanes.length);
        lanes.push({ label: 'stream ' + id, stream: id });
      } else {
        if (i === maxLanes) lanes.push({ label: `streams ${id}+ (${ids.length - maxLanes})`,
          stream: id, aggregated: true, count: ids.length - maxLanes });
        laneOf.set(id, lanes.length - 1);
      }
    });
    return { lanes, laneOf };
  }

  /* Which waterfall mark a frame is (MARKS index). dir 0 is client to
   * server as the capture saw the connection's first packet. */
  function markOf(f) {
    if (f.type === 3) return 4;
    if (f.type === 5) return 5;
    if (f.type === 1 || f.type === 9) {
      if (f.flags & END_STREAM) return 3;
      return f.dir === 0 ? 0 : 1;
    }
    if (f.type === 0) return f.flags & END_STREAM ? 3 : 2;
    return 6;
  }

  /* Events of the capture's own lane: bytes lost, skipped, found again. */
  const CAPTURE_EVENTS = ['gap', 'resync', 'truncated', 'skipped', 'decode-error'];

  /* Time bins of the aggregated lane: its frames are drawn as one mark per
   * kind and bin (a bin is 1/AGG_BINS of the connection's span). */
  const AGG_BINS = 2000;

  /* The waterfall as the library's aligned columns: x (seconds), then one
   * column per mark with the lane of the frame (null elsewhere). Frames,
   * gap/resync events and findings are merged in time order; refs[i] is
   * what point i is. Frames on the aggregated lane (lanesOf) are binned:
   * their ref counts the frames and bytes of the bin. */
  function waterfallData(c, lanes) {
    const pts = [];
    const last = lanes.lanes[lanes.lanes.length - 1];
    const aggLane = last.aggregated ? lanes.lanes.length - 1 : -1;
    const t0 = c.frames.length ? c.frames[0].t : 0;
    const span = c.frames.length ? c.frames[c.frames.length - 1].t - t0 : 0;
    const width = span > 0 ? span / AGG_BINS : 1;
    const bins = new Map();
    for (const f of c.frames) {
      const lane = lanes.laneOf.get(f.stream) ?? 1;
      const mark = markOf(f);
      if (lane !== aggLane) {
        pts.push({ t: f.t, mark, lane, ref: f });
        continue;
      }
      const key = mark * (AGG_BINS + 1) + Math.min(AGG_BINS, Math.floor((f.t - t0) / width));
      const b = bins.get(key);
      if (b) {
        b.ref.frames++;
        b.ref.bytes += f.length;
      } else {
        const ref = { agg: true, t: f.t, mark: MARKS[mark], frames: 1, bytes: f.length, first: f };
        bins.set(key, { t: f.t, mark, lane, ref });
      }
    }
    pts.push(...bins.values());
    for (const e of c.events) {
      if (CAPTURE_EVENTS.includes(e.event))
        pts.push({ t: e.t, mark: 7, lane: 0, ref: e });
      else if (e.event === 'stall-begin' || e.event === 'stall-end')
        pts.push({ t: e.t, mark: 10, lane: lanes.laneOf.get(e.stream) ?? 1, ref: e });
    }
    for (const f of c.findings)
      pts.push({ t: f.t, mark: 8, lane: lanes.laneOf.get(f.stream) ?? 1, ref: f });
    for (const b of c.bins) pts.push({ t: b.t, mark: 9, lane: 0, ref: b });
    pts.sort((a, b) => a.t - b.t);
    const cols = [pts.map((p) => p.t)];
    for (let m = 0; m < MARKS.length; m++) cols.push(new Array(pts.length).fill(null));
    pts.forEach((p, i) => { cols[p.mark + 1][i] = p.lane; });
    return { cols, refs: pts.map((p) => p.ref) };
  }

  /* The point of a waterfall nearest to (t, lane): the lane first, then the
   * time (binary search on the sorted times). -1 when the lane is empty. */
  function nearestPoint(wf, t, lane) {
    const xs = wf.cols[0];
    let lo = 0, hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < t) lo = mid + 1; else hi = mid;
    }
    const laneAt = (i) => { for (let m = 1; m < wf.cols.length; m++) if (wf.cols[m][i] !== null) return wf.cols[m][i]; return null; };
    for (let d = 0; d < xs.length; d++) {
      const cands = [lo - 1 - d, lo + d].filter((i) => i >= 0 && i < xs.length);
      if (!cands.length) break;
      cands.sort((a, b) => Math.abs(xs[a] - t) - Math.abs(xs[b] - t));
      for (const i of cands) if (laneAt(i) === lane) return i;
    }
    return -1;
  }

  /* HPACK dynamic table size where a field block changed it (RFC 7541
   * §4.1), one column per direction: [x, client→server, server→client]. */
  function tableSeries(c) {
    const xs = [], a = [], b = [];
    for (const tb of [...c.tables].sort((p, q) => p.t - q.t)) {
      xs.push(tb.t);
      a.push(tb.dir === 0 ? tb.size : null);
      b.push(tb.dir === 1 ? tb.size : null);
    }
    return [xs, a, b];
  }

  /* Flow-control windows over time (RFC 9113 §6.9.1): what the client and
   * the server may still send on the connection, and on the chosen stream
   * (its points only where a frame of that stream changed them). */
  function windowSeries(c, stream) {
    const xs = [], cols = [[], [], [], []];
    for (const w of c.windows) {
      xs.push(w.t);
      cols[0].push(w.conn[0]);
      cols[1].push(w.conn[1]);
      cols[2].push(w.stream === stream ? w.stream_window[0] : null);
      cols[3].push(w.stream === stream ? w.stream_window[1] : null);
    }
    return [xs, ...cols];
  }

  /* The streams that have window points, for the stream picker. */
  function windowStreams(c) {
    return [...new Set(c.windows.filter((w) => w.stream && w.stream_window[0] !== null).map((w) => w.stream))].sort((a, b) => a - b);
  }

  /* Tick labels of a time axis in seconds: as many decimals as the step
   * between ticks needs (captures often span microseconds). */
  function timeLabels(splits) {
    const step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : 1;
    const decimals = step > 0 ? Math.min(9, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9))) : 0;
    return splits.map((v) => v.toFixed(decimals));
  }

  /* The capture at a glance: the writer's totals (every frame, also those
   * past the limit), the events and findings, the time span. */
  function overview(model) {
    const a = model.left;
    const o = { connections: model.conns.size, frames: a.frames || 0,
      bytes: (a.frame_bytes || 0) + 9 * (a.frames || 0), requests: a.requests || 0,
      statuses: a.status || {}, frameErrors: a.frame_errors || 0, events: {},
      findings: { error: 0, warning: 0, info: 0 }, start: 0, end: 0 };
    for (const c of model.conns.values()) {
      const last = c.frames.length ? c.frames[c.frames.length - 1].t : 0;
      const lastBin = c.bins.length ? c.bins[c.bins.length - 1].t : 0;
      o.end = Math.max(o.end, last, lastBin);
    }
    for (const e of model.events) {
      o.events[e.event] = (o.events[e.event] || 0) + 1;
      if (e.t > o.end) o.end = e.t;
    }
    for (const f of model.findings) o.findings[f.severity] = (o.findings[f.severity] || 0) + 1;
    return o;
  }

  return { TYPES, MARKS, typeName, parseData, lanesOf, markOf, waterfallData, nearestPoint,
    tableSeries, windowSeries, windowStreams, timeLabels, overview };
})();

/* ---- the page (browser only) ---- */

function h2el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
  }
  for (const k of kids) e.append(k);
  return e;
}

const MARK_COLORS = ['#1f77b4', '#2ca02c', '#9ecae1', '#111111', '#d62728', '#9467bd', '#aaaaaa',
  '#ff7f0e', '#e377c2', '#8c564b', '#bcbd22'];

/* A finding or exchange clicked in a table keeps the side panel until the
 * mouse moves over a waterfall again (redrawing a zoomed chart moves its
 * cursor too, which must not replace what was clicked). */
let detailPinned = false;

function showDetail(ref) {
  const body = document.getElementById('detail-body');
  body.replaceChildren();
  if (!ref) return;
  if (ref.lint) {
    body.append(h2el('p', {}, h2el('b', { class: 'sev-' + ref.severity }, ref.severity + ' ' + ref.lint)),
      h2el('p', {}, ref.message), h2el('p', { class: 'note' },
        `${ref.section}; stream ${ref.stream}, frame ${ref.frame}, ${ref.dir}, t=${ref.t.toFixed(6)} s`));
    return;
  }
  if (ref.agg) {
    body.append(h2el('p', {}, `${ref.frames} ${ref.mark} frames (${ref.bytes} payload bytes) of the streams that share the last lane, from ${ref.t.toFixed(6)} s (binned: more streams than --html-max-lanes).`));
    return;
  }
  if (ref.bin) {
    body.append(h2el('p', {}, `${ref.frames} frames (${ref.bytes} payload bytes) from ${ref.t.toFixed(3)} s, past --html-max-frames: counted per millisecond, not drawn one by one.`));
    return;
  }
  if (ref.event) {
    body.append(h2el('p', {}, h2el('b', {}, ref.event)), h2el('p', {}, ref.message || ''),
      h2el('pre', {}, JSON.stringify(ref, null, 1)));
    return;
  }
  const rows = [['type', H2Report.typeName(ref.type)], ['stream', ref.stream],
    ['direction', ref.dir === 0 ? 'client → server' : 'server → client'], ['flags', '0x' + ref.flags.toString(16)],
    ['length', ref.length], ['time', ref.t.toFixed(6) + ' s'],
    ['packet', ref.packet ? ref.packet : 'not known'], ['problem', ref.error ? 'yes (see read --json)' : 'none']];
  body.append(h2el('table', {}, ...rows.map(([k, v]) => h2el('tr', {}, h2el('th', {}, k), h2el('td', {}, String(v))))));
  if (ref.detail && ref.detail.headers)
    body.append(h2el('h3', {}, 'header list'), h2el('table', { class: 'hdrs' },
      ...ref.detail.headers.map(([n, v]) => h2el('tr', {}, h2el('td', {}, n), h2el('td', {}, v)))));
  if (ref.detail) body.append(h2el('h3', {}, 'decoded fields'), h2el('pre', {}, JSON.stringify(ref.detail, null, 1)));
  else body.append(h2el('p', { class: 'note' }, 'Decoded fields are kept for the first frames only (--html-details).'));
}

function chartWidth() {
  return Math.max(400, document.querySelector('main').clientWidth - 30);
}

/* The charts of one connection share a cursor (the library's cursor sync):
 * hovering a time in one marks it in the others. */
function drawWaterfall(holder, c, lanes) {
  const wf = H2Report.waterfallData(c, lanes);
  const series = [{ label: 't (s)' }, ...H2Report.MARKS.map((m, i) => ({
    label: m, stroke: MARK_COLORS[i], fill: MARK_COLORS[i], paths: () => null,
    points: { show: true, size: i === 8 ? 11 : 7, fill: MARK_COLORS[i], stroke: MARK_COLORS[i] },
  }))];
  const n = lanes.lanes.length;
  const u = new uPlot({
    width: chartWidth(), height: Math.min(640, 90 + n * 16), series,
    scales: { x: { time: false }, y: { range: [-0.5, n - 0.5], dir: -1 } },
    axes: [{ label: 'seconds since the capture start', values: (_, splits) => H2Report.timeLabels(splits) },
      { size: 130, splits: () => lanes.lanes.map((_, i) => i).filter((i) => n < 40 || i % Math.ceil(n / 40) === 0),
        values: (_, splits) => splits.map((i) => (lanes.lanes[i] ? lanes.lanes[i].label : '')) }],
    cursor: { lock: true, points: { size: 10 }, sync: { key: 'conn' + c.id } },
    legend: { live: false },
    hooks: { setCursor: [(uu) => {
      if (uu.cursor.left < 0 || detailPinned) return;
      const i = H2Report.nearestPoint(wf, uu.posToVal(uu.cursor.left, 'x'), Math.round(uu.posToVal(uu.cursor.top, 'y')));
      if (i >= 0) showDetail(wf.refs[i]);
    }] },
  }, wf.cols, holder);
  u.over.addEventListener('mousemove', () => { detailPinned = false; });
  return { u, wf };
}

function drawLines(holder, title, labels, data, stepped, syncKey) {
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e'];
  return new uPlot({
    title, width: chartWidth(), height: 200,
    scales: { x: { time: false } },
    cursor: { sync: { key: syncKey } },
    series: [{ label: 't (s)' }, ...labels.map((l, i) => ({ label: l, stroke: colors[i], width: 1.5, spanGaps: true,
      paths: stepped ? uPlot.paths.stepped({ align: 1 }) : undefined }))],
    axes: [{ label: 'seconds since the capture start', values: (_, splits) => H2Report.timeLabels(splits) }, { size: 70 }],
  }, data, holder);
}

function connSection(model, c, open) {
  const maxLanes = model.report.max_lanes || 200;
  const lanes = H2Report.lanesOf(c, maxLanes);
  const d = h2el('details', { class: 'conn', 'data-conn': c.id, open });
  const nStreams = c.streams.size;
  d.append(h2el('summary', {}, `connection ${c.id}: ${c.src} → ${c.dst} — ${c.frames.length} frames, ${nStreams} streams, ${c.findings.length} findings`));
  const laneList = h2el('ol', { class: 'lanes', start: 0 }, ...lanes.lanes.map((l) =>
    h2el('li', { class: l.stream > 0 ? 'lane stream-lane' : 'lane', 'data-stream': l.stream, 'data-aggregated': l.aggregated ? l.count : 0 }, l.label)));
  d.append(h2el('details', {}, h2el('summary', {}, `lanes (${lanes.lanes.length})`), laneList));
  const wfHolder = h2el('div', { class: 'chart waterfall' });
  const tblHolder = h2el('div', { class: 'chart table-size' });
  const winHolder = h2el('div', { class: 'chart windows' });
  d.append(h2el('h3', {}, 'Stream waterfall'), wfHolder, h2el('h3', {}, 'Flow-control windows'), winHolder,
    h2el('h3', {}, 'HPACK dynamic table size'), tblHolder);
  let drawn = false;
  const draw = () => {
    if (drawn || !d.open) return;
    drawn = true;
    const wf = drawWaterfall(wfHolder, c, lanes);
    wfHolder.dataset.points = wf.wf.cols[0].length;
    d.h2chart = wf.u;
    if (c.tables.length)
      drawLines(tblHolder, 'table size (bytes) after the field blocks that changed it', ['client → server', 'server → client'], H2Report.tableSeries(c), true, 'conn' + c.id);
    else tblHolder.append(h2el('p', { class: 'note' }, 'No field blocks.'));
    if (c.windows.length) {
      const pick = h2el('select', {}, ...H2Report.windowStreams(c).map((s) => h2el('option', { value: s }, 'stream ' + s)));
      let chart = null;
      const redraw = () => {
        if (chart) chart.destroy();
        chart = drawLines(winHolder, 'window (bytes) the sender may still send', ['client may send (connection)', 'server may send (connection)', 'client may send (stream)', 'server may send (stream)'],
          H2Report.windowSeries(c, Number(pick.value)), true, 'conn' + c.id);
      };
      pick.addEventListener('change', redraw);
      winHolder.append(h2el('label', {}, 'stream', pick));
      redraw();
    } else {
      winHolder.append(h2el('p', { class: 'note' }, 'No window data: read computed no flow-control windows for this connection.'));
    }
  };
  d.addEventListener('toggle', draw);
  d.h2draw = draw;
  return d;
}

function renderOverview(model) {
  const o = H2Report.overview(model);
  const card = (k, v) => h2el('div', { class: 'card' }, h2el('b', {}, String(v)), k);
  const statuses = Object.entries(o.statuses).filter(([, n]) => n).map(([s, n]) => `${s}: ${n}`).join(', ') || 'none';
  const events = ['gap', 'resync', 'truncated', 'skipped', 'decode-error'].map((e) => `${e} ${o.events[e] || 0}`).join(', ');
  document.getElementById('overview-body').replaceChildren(
    h2el('div', { class: 'cards' }, card('connections', o.connections), card('frames', o.frames),
      card('requests', o.requests), card('HTTP/2 bytes', o.bytes), card('frames with errors', o.frameErrors),
      card('findings', model.findings.length), card('time span (s)', (o.end - o.start).toFixed(3))),
    h2el('p', {}, 'status codes: ' + statuses), h2el('p', {}, 'capture: ' + events),
    h2el('p', {}, `flow control: ${o.events['stall-begin'] || 0} zero-window stalls`),
    h2el('p', {}, `findings: ${o.findings.error} errors, ${o.findings.warning} warnings, ${o.findings.info} info`));
}

function renderFindings(model, sections) {
  const body = document.getElementById('findings-body');
  if (!model.findings.length) {
    body.append(h2el('p', { class: 'note' }, 'No findings.'));
    return;
  }
  body.append(h2el('table', {}, h2el('tr', {}, ...['severity', 'id', 'conn', 'stream', 't (s)', 'message'].map((k) => h2el('th', {}, k))),
    ...model.findings.map((f) => {
      const tr = h2el('tr', { class: 'finding', 'data-conn': f.conn, 'data-id': f.lint },
        h2el('td', { class: 'sev-' + f.severity }, f.severity), h2el('td', {}, f.lint), h2el('td', {}, String(f.conn)),
        h2el('td', {}, String(f.stream)), h2el('td', {}, f.t.toFixed(6)), h2el('td', {}, f.message + ' [' + f.section + ']'));
      tr.addEventListener('click', () => {
        const s = sections.get(f.conn);
        if (s) {
          s.open = true;
          s.h2draw();
          s.scrollIntoView();
          // Zoom the waterfall to a tenth of its span around the finding.
          const xs = s.h2chart ? s.h2chart.data[0] : [];
          const span = xs.length ? (xs[xs.length - 1] - xs[0]) / 20 || 1e-4 : 1e-4;
          if (s.h2chart) s.h2chart.setScale('x', { min: f.t - span, max: f.t + span });
        }
        showDetail(f);
        detailPinned = true;
      });
      return tr;
    })));
}

/* The exchanges (read's request/response records), the first
 * EXCHANGE_ROWS of them as table rows. */
const EXCHANGE_ROWS = 2000;
function renderExchanges(model, sections) {
  if (!model.exchanges.length) return;
  document.getElementById('exchanges').hidden = false;
  const ms = (a, b) => (a && b ? ((b - a) * 1000).toFixed(3) : '');
  const head = h2el('tr', {}, ...['conn', 'stream', 'method', 'path', 'status', 'response bytes', 'wait (ms)', 'total (ms)'].map((k) => h2el('th', {}, k)));
  const rows = model.exchanges.slice(0, EXCHANGE_ROWS).map((x) => {
    const t = x.times || {};
    const tr = h2el('tr', { class: 'exchange', 'data-conn': x.conn },
      ...[x.conn, x.stream, x.method || '', x.path || '', x.status || '', x.response ? x.response.wire : '', ms(t.request, t.response), ms(t.request, t.end)]
        .map((v) => h2el('td', {}, String(v))));
    tr.addEventListener('click', () => {
      const s = sections.get(x.conn);
      if (s) { s.open = true; s.h2draw(); }
      document.getElementById('detail-body').replaceChildren(h2el('pre', {}, JSON.stringify(x, null, 1)));
      detailPinned = true;
    });
    return tr;
  });
  const total = model.left.exchanges || model.exchanges.length;
  document.getElementById('exchanges-body').append(
    h2el('p', { class: 'note' }, `${total} exchanges; ${rows.length} listed.`), h2el('table', {}, head, ...rows));
}

function renderReport() {
  const t0 = performance.now();
  const model = H2Report.parseData(document.getElementById('h2-data').textContent);
  const t1 = performance.now();
  window.h2report = model;
  document.getElementById('title').textContent = model.report.title || '';
  document.getElementById('library').textContent = model.report.library || 'uPlot';
  const left = model.left.frames_not_drawn || 0;
  document.getElementById('limits').textContent =
    `Frames drawn one by one: ${model.left.frames_drawn || 0}` + (left ? `; ${left} more counted per millisecond, not drawn one by one (--html-max-frames ${model.report.max_frames})` : '') +
    `; decoded fields kept for ${model.left.details || 0} (--html-details); more than ${model.report.max_lanes} streams of a connection share one lane.`;
  renderOverview(model);
  const sections = new Map();
  const list = document.getElementById('connections-body');
  let n = 0;
  for (const c of model.conns.values()) {
    // The first 20 connections with frames open; the rest (and flows that
    // carried no HTTP/2) are drawn when opened.
    const s = connSection(model, c, c.frames.length > 0 && n++ < 20);
    sections.set(c.id, s);
    list.append(s);
  }
  renderFindings(model, sections);
  renderExchanges(model, sections);
  const t2 = performance.now();
  for (const s of sections.values()) s.h2draw();
  // The library draws in a microtask after each chart is made: the page is
  // ready once those ran (a task later).
  setTimeout(() => {
    const t3 = performance.now();
    // How long each step took (bench/report.sh reads them).
    document.body.dataset.msStart = Math.round(t0);
    document.body.dataset.msParse = Math.round(t1 - t0);
    document.body.dataset.msPage = Math.round(t2 - t1);
    document.body.dataset.msCharts = Math.round(t3 - t2);
    document.body.dataset.ready = '1';
  }, 0);
}

if (typeof module !== 'undefined') module.exports = H2Report;
else renderReport();
