#!/usr/bin/python3
"""Ctrl-C under vmap: SIGINT sent to crash while it runs `vmap list` over
and over (with the read-ahead thread, on a workload dump).  crash must go
on, the next commands must answer as before the interrupts, and no row
of an interrupted listing may turn up later (its buffered output belonged
to a redirection that is gone).

usage: interrupt.py DUMPDIR SO [--crash CRASH] [--flags FLAGS]
"""
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
import check  # noqa: E402

LISTINGS = 300
INTERRUPTS = 5


def read_until(proc, marker, timeout):
    """Output of PROC up to and including the line MARKER."""
    out, end = b"", time.time() + timeout
    while marker.encode() not in out:
        left = end - time.time()
        if left <= 0 or proc.poll() is not None:
            break
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
    return out.decode(errors="replace")


def main():
    args = check.session_args().parse_args()
    label = "interrupt (%s)" % os.path.basename(args.dump.rstrip("/"))
    cmd = shlex.split(args.crash) + ["-s"] + shlex.split(args.flags) + [
        os.path.join(args.dump, "vmlinux"), os.path.join(args.dump, "vmcore")]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            cwd="/tmp", env=check.crash_env(args.crash,
                                                            args.dump))

    def send(lines):
        proc.stdin.write(("\n".join(lines) + "\n").encode())
        proc.stdin.flush()

    send(["extend " + os.path.abspath(args.so), "vmap list | wc -l",
          "!echo VX-READY"])
    head = read_until(proc, "VX-READY", 120)
    before = re.findall(r"^(\d+)$", head, re.M)
    send(["vmap list > /dev/null"] * LISTINGS + ["!echo VX-LISTED"])
    # the listings run back to back now: interrupt some of them
    for _ in range(INTERRUPTS):
        time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    send(["!echo VX-AFTER", "vmap list -v", "vmap list | wc -l",
          "!echo VX-ALIVE", "exit"])
    try:
        rest, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        # where it waits, for whoever reads the failure
        bt = subprocess.run(["gdb", "-p", str(proc.pid), "-batch", "-ex",
                             "thread apply all bt"], capture_output=True,
                            text=True).stdout
        proc.kill()
        print("%s: FAIL: crash hung after SIGINT; its threads:\n%s" % (
            label, "\n".join("    " + l for l in bt.splitlines()
                             if l.startswith(("#", "Thread")))))
        return 1
    rest = rest.decode(errors="replace")
    after = rest[rest.find("VX-AFTER"):] if "VX-AFTER" in rest else ""
    counts = re.findall(r"^(\d+)$", after, re.M)
    leaked = [l for l in (head + rest).splitlines()
              if re.match(r"^ +\d+ +[0-9a-f]{16} ", l)]
    ra = re.search(r"read-ahead: (.*)", after)
    fails = []
    if not before:
        fails.append("no row count before the interrupts:\n" + head[-500:])
    if "VX-ALIVE" not in after:
        fails.append("crash did not go on after SIGINT:\n" + rest[-800:])
    elif counts[:1] != before[:1]:
        fails.append("vmap list gave %s rows after, %s before" % (
            counts[:1], before[:1]))
    if leaked:
        fails.append("%d rows of interrupted listings turned up later, "
                     "e.g. %r" % (len(leaked), leaked[0]))
    for f in fails:
        print("%s: FAIL: %s" % (label, f))
    if fails:
        return 1
    print("%s: %d SIGINTs during %d listings; crash went on, %s rows as "
          "before, no stray rows (read-ahead: %s)" % (
              label, INTERRUPTS, LISTINGS, before[0],
              ra[1] if ra else "?"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
