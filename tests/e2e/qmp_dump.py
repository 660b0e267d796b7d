#!/usr/bin/python3
"""QMP client of the fixture harnesses: qmp_capabilities, stop,
dump-guest-memory (synchronous, paging=false, ELF), quit.

usage: qmp_dump.py QMP_SOCKET VMCORE TIMEOUT_SECONDS
"""
import json, socket, sys, time
path, vmcore, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(timeout)
s.connect(path)
f = s.makefile("rwb")
def recv():
    while True:
        line = f.readline()
        if not line:
            raise SystemExit("QMP: connection closed")
        msg = json.loads(line)
        if "event" in msg:
            continue
        return msg
def cmd(name, args=None):
    m = {"execute": name}
    if args is not None:
        m["arguments"] = args
    f.write((json.dumps(m) + "\n").encode()); f.flush()
    r = recv()
    if "error" in r:
        raise SystemExit("QMP %s failed: %s" % (name, r["error"]))
    return r
recv()  # greeting
cmd("qmp_capabilities")
cmd("stop")
t0 = time.time()
cmd("dump-guest-memory", {"paging": False, "protocol": "file:" + vmcore})
sys.stderr.write("QMP: dump-guest-memory done in %.1f s\n" % (time.time() - t0))
try:
    cmd("quit")
except (SystemExit, OSError):
    pass
