// report.test.js — unit test of the report script's data preparation
// (node:test; run by tests/cli/test_report_js.sh): parsing the data lines,
// lanes and their aggregation, waterfall columns, the nearest point, the
// table-size and window series, the overview.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const R = require('./report.js');

const DATA = [
  'R {"v":1,"title":"t.pcap","max_frames":200000,"max_details":5000,"max_lanes":2,"library":"uPlot 1.6.32"}',
  'B 1000.000000',
  'C {"conn":1,"t":0,"src":"10.0.0.1:5000","dst":"10.0.0.2:80"}',
  'F 1 0 0 4 0 12 10 0 0 0',
  'J {"v":1,"conn":1,"type":"SETTINGS","settings":[]}',
  'F 1 0 1 1 5 20 2000 7 0 0',
  'T 1 0 2000 60',
  'F 1 1 1 1 4 10 3000 8 0 0',
  'T 1 1 3000 40',
  'F 1 1 1 0 1 100 4000 9 0 0',
  'F 1 0 3 1 5 20 5000 10 0 0',
  'F 1 0 5 3 0 4 6000 11 8 1',
  'F 1 0 7 1 5 20 7000 12 0 0',
  'W 1 1 4000 65535 65435 65535 65435',
  'W 1 0 4500 65535 70000 - -',
  'E {"v":1,"conn":1,"ts":1000.0045,"dir":"s2c","event":"gap","offset":5,"message":"lost"}',
  'E {"v":1,"conn":1,"ts":1000.0046,"dir":"s2c","event":"stall-begin","offset":5,"message":"waits","stream":3}',
  '{"v":1,"lint":"rapid-reset","severity":"warning","conn":1,"ts":1000.006,"dir":"c2s","stream":5,"frame":6,"section":"RFC 9113 §5.4","message":"m"}',
  'X {"v":1,"exchange":{"conn":1,"stream":1,"method":"GET","path":"/a","status":200}}',
  'Q an unknown line is skipped',
  'G 1 8000 3 30',
  'A {"frames":10,"frame_bytes":216,"frame_errors":1,"field_blocks":2,"requests":1,"status":{"other":0,"1xx":0,"2xx":1,"3xx":0,"4xx":0,"5xx":0},"frames_drawn":7,"frames_not_drawn":3,"bytes_not_drawn":30,"details":1}',
].join('\n');

test('parseData reads every kind of line', () => {
  const m = R.parseData(DATA);
  assert.equal(m.base, 1000);
  assert.equal(m.report.max_lanes, 2);
  const c = m.conns.get(1);
  assert.equal(c.src, '10.0.0.1:5000');
  assert.equal(c.frames.length, 7);
  assert.equal(c.frames[0].detail.type, 'SETTINGS');
  assert.equal(c.frames[1].detail, null);
  assert.equal(c.frames[1].packet, 7);
  assert.equal(c.frames[5].extra, 8);
  assert.equal(c.frames[5].error, true);
  assert.deepEqual([...c.streams].sort(), [1, 3, 5, 7]);
  assert.equal(c.tables.length, 2);
  assert.deepEqual(c.bins, [{ bin: true, t: 0.008, frames: 3, bytes: 30 }]);
  assert.deepEqual(c.windows[0].conn, [65535, 65435]);
  assert.deepEqual(c.windows[1].stream_window, [null, null]);
  assert.equal(c.events[0].event, 'gap');
  assert.ok(Math.abs(c.events[0].t - 0.0045) < 1e-9);
  assert.equal(m.findings.length, 1);
  assert.equal(c.findings[0].lint, 'rapid-reset');
  assert.equal(m.left.frames_not_drawn, 3);
  assert.deepEqual(m.exchanges, [{ conn: 1, stream: 1, method: 'GET', path: '/a', status: 200 }]);
});

test('lanesOf gives a lane per stream up to the limit, then one shared lane', () => {
  const c = R.parseData(DATA).conns.get(1);
  const wide = R.lanesOf(c, 10);
  assert.equal(wide.lanes.filter((l) => l.stream > 0).length, 4);
  const narrow = R.lanesOf(c, 2);
  assert.equal(narrow.lanes.length, 2 + 2 + 1);
  assert.equal(narrow.lanes[4].aggregated, true);
  assert.equal(narrow.lanes[4].count, 2);
  assert.equal(narrow.laneOf.get(5), 4);
  assert.equal(narrow.laneOf.get(7), 4);
  assert.equal(narrow.laneOf.get(0), 1);
});

test('markOf sorts frames into the waterfall marks', () => {
  const f = (type, flags, dir) => ({ type, flags, dir });
  assert.equal(R.MARKS[R.markOf(f(1, 4, 0))], 'request headers');
  assert.equal(R.MARKS[R.markOf(f(1, 4, 1))], 'response headers');
  assert.equal(R.MARKS[R.markOf(f(0, 0, 1))], 'DATA');
  assert.equal(R.MARKS[R.markOf(f(0, 1, 1))], 'END_STREAM');
  assert.equal(R.MARKS[R.markOf(f(3, 0, 0))], 'RST_STREAM');
  assert.equal(R.MARKS[R.markOf(f(5, 4, 1))], 'PUSH_PROMISE');
  assert.equal(R.MARKS[R.markOf(f(8, 0, 1))], 'other frames');
});

test('waterfallData aligns frames, gaps and findings in time order', () => {
  const c = R.parseData(DATA).conns.get(1);
  const lanes = R.lanesOf(c, 10);
  const wf = R.waterfallData(c, lanes);
  assert.equal(wf.cols.length, 1 + R.MARKS.length);
  assert.equal(wf.cols[0].length, 7 + 2 + 1 + 1);
  const stall = wf.refs.findIndex((r) => r.event === 'stall-begin');
  assert.equal(wf.cols[1 + 10][stall], lanes.laneOf.get(3));
  for (let i = 1; i < wf.cols[0].length; i++) assert.ok(wf.cols[0][i - 1] <= wf.cols[0][i]);
  const gap = wf.refs.findIndex((r) => r.event === 'gap');
  assert.equal(wf.cols[1 + 7][gap], 0);
  const fi = wf.refs.findIndex((r) => r.lint);
  assert.equal(wf.cols[1 + 8][fi], lanes.laneOf.get(5));
  // one mark per point
  for (let i = 0; i < wf.cols[0].length; i++)
    assert.equal(wf.cols.slice(1).filter((col) => col[i] !== null).length, 1);
});

test('nearestPoint finds the point of the lane closest in time', () => {
  const c = R.parseData(DATA).conns.get(1);
  const lanes = R.lanesOf(c, 10);
  const wf = R.waterfallData(c, lanes);
  const i = R.nearestPoint(wf, 0.0049, lanes.laneOf.get(3));
  assert.equal(wf.refs[i].stream, 3);
  assert.equal(R.nearestPoint(wf, 0.001, 99), -1);
});

test('tableSeries and windowSeries keep the directions apart', () => {
  const c = R.parseData(DATA).conns.get(1);
  assert.deepEqual(R.tableSeries(c), [[0.002, 0.003], [60, null], [null, 40]]);
  const w = R.windowSeries(c, 1);
  assert.deepEqual(w, [[0.004, 0.0045], [65535, 65535], [65435, 70000], [65535, null], [65435, null]]);
  assert.deepEqual(R.windowSeries(c, 3)[4], [null, null]);
  assert.deepEqual(R.windowStreams(c), [1]);
});

test('overview takes the totals, counts events and findings, spans the bins', () => {
  const o = R.overview(R.parseData(DATA));
  assert.equal(o.connections, 1);
  assert.equal(o.requests, 1);
  assert.equal(o.statuses['2xx'], 1);
  assert.equal(o.frames, 10);
  assert.equal(o.bytes, 216 + 10 * 9);
  assert.equal(o.end, 0.008);
  assert.equal(o.findings.warning, 1);
  assert.equal(o.frameErrors, 1);
  assert.equal(o.events.gap, 1);
  assert.equal(o.events['stall-begin'], 1);
});

test('timeLabels shows as many decimals as the tick step needs', () => {
  assert.deepEqual(R.timeLabels([0, 0.00005, 0.0001]), ['0.00000', '0.00005', '0.00010']);
  assert.deepEqual(R.timeLabels([0, 0.5, 1]), ['0.0', '0.5', '1.0']);
  assert.deepEqual(R.timeLabels([0, 10, 20]), ['0', '10', '20']);
  assert.deepEqual(R.timeLabels([3]), ['3']);
});

test('waterfallData bins the frames of the aggregated lane', () => {
  const c = R.parseData(DATA).conns.get(1);
  const lanes = R.lanesOf(c, 1); // streams 3, 5, 7 share a lane
  const wf = R.waterfallData(c, lanes);
  const agg = wf.refs.filter((r) => r.agg);
  // stream 3 HEADERS+END_STREAM, stream 5 RST_STREAM, stream 7 HEADERS+END_STREAM: the two
  // END_STREAM marks are in different bins (2 ms apart in a 7 ms span of 2000 bins)
  assert.equal(agg.length, 3);
  assert.equal(agg.reduce((n, r) => n + r.frames, 0), 3);
  const one = R.lanesOf(c, 1);
  c.frames.push({ ...c.frames[6], t: c.frames[6].t, index: 99 });
  const wf2 = R.waterfallData(c, one);
  const seven = wf2.refs.filter((r) => r.agg && r.first.stream === 7);
  assert.equal(seven.length, 1);
  assert.equal(seven[0].frames, 2);
  assert.equal(seven[0].bytes, 40);
});

test('typeName names the core and the extension frame types', () => {
  assert.equal(R.typeName(0), 'DATA');
  assert.equal(R.typeName(9), 'CONTINUATION');
  assert.equal(R.typeName(16), 'PRIORITY_UPDATE');
  assert.equal(R.typeName(0xfe), 'type 0xfe');
});
