"""grpc_check.py — what test_grpc_messages.sh asserts about `h2scope read
--grpc` on a capture of grpc_peer.py's protobuf calls (client-proto):

  grpc_check.py H2SCOPE PCAP CALLS.json PB_DIR DESCRIPTORS PORT

- raw (no schema): every message of every call, in order, is there, and its
  fields as text equal `protoc --decode_raw` of the bytes the peer sent;
  the gzip call's request is marked compressed; each call's grpc-status and
  (percent-decoded) grpc-message equal what the server answered;
- with --proto-descriptors: the text equals `protoc --decode=TYPE`, and the
  JSON fields equal the values of the message python3-protobuf parses from
  the same bytes (names, numbers, strings, bytes, enums, floats, nesting);
- tshark's grpc dissector (HTTP/2 on PORT) finds the same messages in the
  same order, with the same length and Compressed-Flag, and `protoc
  --decode_raw` of the message bytes tshark exports equals h2scope's text.
Prints one "ok:" line per check; exits 1 with the first difference.
"""
import json, re, subprocess, sys

h2scope, pcap, calls_path, pb_dir, descriptors, port = sys.argv[1:7]
sys.path.insert(0, pb_dir)
import probe_pb2  # noqa: E402
from google.protobuf import descriptor as pbd  # noqa: E402

calls = json.load(open(calls_path))
proto_dir = __import__('os').path.join(__import__('os').environ['H2_SOURCE_DIR'], 'tests', 'grpc')

def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)

def run(args, data=None):
    p = subprocess.run(args, input=data, capture_output=True)
    if p.returncode != 0:
        fail('%s: exit %d: %s' % (' '.join(args), p.returncode, p.stderr.decode(errors='replace')[:500]))
    return p.stdout

def protoc(bytes_, type_name=None):
    if type_name:
        return run(['protoc', '--decode=' + type_name, '-I', proto_dir, 'probe.proto'], bytes_).decode()
    return run(['protoc', '--decode_raw'], bytes_).decode()

def is_message(r):
    return re.search(r' message=\d', r['head']) is not None

def text_records(extra):
    """h2scope's text output: the gRPC lines with their indented field lines."""
    out = run([h2scope, 'read', '-j', '1', '--grpc'] + extra + [pcap]).decode()
    recs, cur = [], None
    for line in out.split('\n'):
        if line.startswith('#') and ' grpc stream=' in line:
            head = line.split(' grpc ', 1)[1]
            src = re.search(r' (\S+) -> ', line).group(1)
            cur = {'head': head, 'from_client': not src.endswith(':' + port), 'fields': ''}
            cur['stream'] = int(head.split('stream=')[1].split(' ')[0])
            recs.append(cur)
        elif cur is not None and line.startswith('    '):
            cur['fields'] += line[4:] + '\n'
        else:
            cur = None
    return recs

def by_call(recs):
    streams = sorted({r['stream'] for r in recs})
    if len(streams) != len(calls):
        fail('%d gRPC streams, the peer made %d calls' % (len(streams), len(calls)))
    return [[r for r in recs if r['stream'] == s] for s in streams]

def check_calls(recs, typed):
    for call, rs in zip(calls, by_call(recs)):
        method = call['method'].rsplit('/', 1)[1]
        for side, from_client, type_name in (('request', True, 'h2scope.probe.Request'),
                                             ('response', False, 'h2scope.probe.Reply')):
            got = [r for r in rs if r['from_client'] == from_client and is_message(r)]
            want = [bytes.fromhex(h) for h in call[side]]
            if len(got) != len(want):
                fail('%s %s: %d messages, the peer sent %d' % (method, side, len(got), len(want)))
            for i, (g, w) in enumerate(zip(got, want)):
                expect = protoc(w, type_name if typed else None)
                if g['fields'] != expect:
                    fail('%s %s message %d (%s):\n%s\nprotoc says:\n%s' % (
                        method, side, i, g['head'], g['fields'], expect))
                if call['compressed'] and side == 'request' and 'compressed=gzip' not in g['head']:
                    fail('%s: the gzip call is not shown compressed: %s' % (method, g['head']))
                if typed and ('type=' + type_name) not in g['head']:
                    fail('%s %s: no type=%s in %s' % (method, side, type_name, g['head']))
        st = [r for r in rs if ' status=' in r['head']]
        if len(st) != 1 or ('status=%d ' % call['status']) not in st[0]['head'] + ' ':
            fail('%s: status %s, want %d' % (method, [r['head'] for r in st], call['status']))
        if call['message'] and ('message="%s"' % call['message']) not in st[0]['head']:
            fail('%s: %s, want message %r' % (method, st[0]['head'], call['message']))

# ---- text, raw and typed ----
raw = text_records([])
check_calls(raw, False)
print('ok: %d calls: every message equal to protoc --decode_raw, statuses and messages equal'
      % len(calls))
typed = text_records(['--proto-descriptors', descriptors])
check_calls(typed, True)
print('ok: with --proto-descriptors every message equal to protoc --decode')

# ---- JSON, typed: the values python3-protobuf reads from the same bytes ----
def same(fields, msg, where):
    seen = {}
    for f in fields:
        seen.setdefault(f['name'], []).append(f)
    for fd, value in msg.ListFields():
        got = seen.pop(fd.name, None)
        if got is None:
            fail('%s.%s missing' % (where, fd.name))
        want = list(value) if fd.label == pbd.FieldDescriptor.LABEL_REPEATED else [value]
        if fd.message_type and fd.message_type.GetOptions().map_entry:
            want = [fd.message_type._concrete_class(key=k, value=v) for k, v in value.items()]
        if len(got) != len(want):
            fail('%s.%s: %d values, want %d' % (where, fd.name, len(got), len(want)))
        for g, w in zip(got, want):
            if g['n'] != fd.number:
                fail('%s.%s: number %d, want %d' % (where, fd.name, g['n'], fd.number))
            if fd.type == fd.TYPE_MESSAGE:
                same(g['fields'], w, where + '.' + fd.name)
            elif fd.type == fd.TYPE_STRING:
                ok = g.get('string') == w
            elif fd.type == fd.TYPE_BYTES:
                ok = g.get('hex') == w.hex()
            elif fd.type == fd.TYPE_ENUM:
                ok = g['value'] == w and g.get('enum') == fd.enum_type.values_by_number[w].name
            else:
                ok = g['value'] == w
            if fd.type != fd.TYPE_MESSAGE and not ok:
                fail('%s.%s: %r, want %r' % (where, fd.name, g, w))
    if seen:
        fail('%s: fields the message does not have: %s' % (where, list(seen)))

out = run([h2scope, 'read', '-j', '1', '--json', '--proto-descriptors', descriptors, pcap]).decode()
msgs = [json.loads(l) for l in out.split('\n') if '"grpc":' in l]
checked = 0
streams = sorted({m['grpc']['stream'] for m in msgs})
for call, s in zip(calls, streams):
    for side, d, cls in (('request', 'c2s', probe_pb2.Request), ('response', 's2c', probe_pb2.Reply)):
        got = [m['grpc'] for m in msgs
               if m['grpc']['stream'] == s and m['dir'] == d and m['grpc']['kind'] == 'message']
        for i, (g, h) in enumerate(zip(got, call[side])):
            same(g['fields'], cls.FromString(bytes.fromhex(h)), '%s/%s[%d]' % (call['method'], side, i))
            checked += 1
print('ok: JSON with --proto-descriptors: %d messages equal to what python3-protobuf parses' % checked)

# ---- tshark's grpc dissector ----
tj = json.loads(run(['tshark', '-r', pcap, '-d', 'tcp.port==%s,http2' % port, '--no-duplicate-keys',
                     '-T', 'json', '-Y', 'grpc', '-j', 'grpc']))
theirs = []
for pkt in tj:
    g = pkt['_source']['layers']['grpc']
    for m in g if isinstance(g, list) else [g]:
        theirs.append(m)
ours = [r for r in raw if is_message(r)]
if len(theirs) != len(ours):
    fail('tshark finds %d gRPC messages, h2scope %d' % (len(theirs), len(ours)))
for i, (t, o) in enumerate(zip(theirs, ours)):
    length = int(t['grpc.message_length'])
    if ('length=%d' % length) not in o['head'] or (t['grpc.compressed_flag'] == '1') != ('compressed=' in o['head']):
        fail('message %d: tshark length %d flag %s, h2scope %s' % (i, length, t['grpc.compressed_flag'], o['head']))
    if t['grpc.compressed_flag'] == '0':
        data = bytes.fromhex(t.get('grpc.message_data', '').replace(':', ''))
        if protoc(data) != o['fields']:
            fail('message %d: protoc --decode_raw of tshark\'s bytes differs from h2scope:\n%s\n%s'
                 % (i, protoc(data), o['fields']))
print('ok: tshark finds the same %d messages (length, Compressed-Flag), protoc --decode_raw of '
      'its exported bytes equals h2scope' % len(ours))
