#!/usr/bin/python3
"""Time vmap against crash's own commands on the benchmark dumps (issue 6).

Called by tests/bench/run.sh, which builds the workloads (fixture kernels
booted with vx_fixture.scale=N) and the extension for each crash.

Every measurement is ONE crash session, repeated REPS times (median),
driven through its stdin (Live), each command batch ended by a marker
(crash's `eval`, whose output crash writes out like any command's):

  base   extend SO                                  (crash start-up)
  cold   extend SO; CMD                             CMD as a user's first
  warm   extend SO; CMD; CMD                        CMD run a second time
  setup  extend SO; vmap read BIG 8                 vmap's one-time set-up

cold time = median wall(cold) - median wall(base): crash start-up excluded,
as issue 6 asks; for vmap this includes its one-time set-up (type layouts
from the vmlinux DWARF through libdw) on the first command.
warm time = median wall(warm) - median wall(cold): the command alone.
Beside each, in parentheses, the median time of the timed command inside
the session, from sending it to the end of its output, less what the
marker costs alone: the same quantity without the start-up noise (crash
starts in 0.3-4 s, +-0.1 s, while the commands take 0.01-0.5 s), so the
verdicts on the targets use the in-session cold times; the subtracted ones
are printed beside them.  (Until 2026-12-07 the in-session times were
taken between `!date` stamps, whose fork of crash cost 16-24 ms on the
EPYC guest inside every such time.)
Peak memory is GNU time's "Maximum resident set size" of the crash process
(/usr/bin/time -v): RSS+ = cold minus base; of that, "setup" is what the
setup session adds (libdw's DWARF), "rest" what the command adds on top.

Time per area (--per-area A:B): one crash session kept open on each
side (Live), a first listing in each, then ROUNDS rounds of BATCH
listings on each side in turn; the median of the rounds' ratios B/A is
judged.  With --preadtime (tests/bench/preadtime.so, an LD_PRELOAD
timer of pread64), more sessions split that time into the host kernel's
reads of the dump and all else.

Nothing here is an assertion: the targets are printed with the ratios.

usage: bench.py --out FILE --reps N CASE...
  CASE = LABEL,DUMPDIR,CRASH,SO,FLAGS,WHAT   (WHAT: '+'-joined of
         list, kmem, read, rd)   CRASH may contain spaces (a wrapper).
"""
import argparse
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import time

MASK = (1 << 64) - 1
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "corrupt"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.dont_write_bytecode = True
import corrupt  # noqa: E402  (Dump: the vmcore's own page tables)
import check  # noqa: E402  (crash_once, crash_died: 8.0.2's start-up)
NR_PAGES = 100      # vmap page: one command, this many physical pages


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


class Case:
    def __init__(self, spec):
        f = spec.split(",")
        if len(f) != 6:
            raise SystemExit("bad case %r" % spec)
        self.label, self.dump, self.crash, self.so, self.flags, what = f
        self.what = what.split("+")
        bulk = open(os.path.join(self.dump, "bulk.txt")).read().split()
        kv = dict(x.split("=", 1) for x in bulk if "=" in x)
        self.big = int(kv["big"], 16)
        self.bigsize = int(kv["bigsize"], 16)
        self.seed = int(kv["seed"], 16)
        self.bulk = kv
        self.vmi_rows = sum(1 for l in open(os.path.join(self.dump,
                                                        "vmallocinfo.txt"))
                            if l.startswith("0x"))
        self.version = open(os.path.join(self.dump, "version")).read().strip()
        self.pages = {}     # phys -> vaddr, for vmap page

    def page_file(self, tmp):
        """The sample as a file for vmap page -f (crash takes at most
        100 arguments to a command)."""
        path = os.path.join(tmp, "pages.txt")
        with open(path, "w") as f:
            f.write("".join("%x\n" % pa for pa in self.page_sample()))
        return path

    def page_sample(self):
        """NR_PAGES pages spread over the 64 MiB area: where the dump's
        own page tables (walked here, not by vmap) map them."""
        if self.pages:
            return self.pages
        smap = os.path.join(os.path.dirname(os.path.realpath(
            os.path.join(self.dump, "vmlinux"))), "System.map")
        pgt = [int(l.split()[0], 16) for l in open(smap)
               if l.split()[2:] == ["init_top_pgt"]]
        dump = corrupt.Dump(os.path.join(self.dump, "vmcore"))
        dump.pgd = pgt[0] - corrupt.KERNEL_MAP
        step = self.bigsize // NR_PAGES // 4096 * 4096
        for i in range(NR_PAGES):
            va = self.big + i * step
            pa = dump.translate(va)
            if pa is not None:
                self.pages[pa & ~4095] = va
        return self.pages


def session(case, pre, timed, tmp, timeout=3600, tries=4):
    """One crash session (Live): extend, PRE, TIMED, exit.  Returns
    (wall s, maxrss KiB, seconds TIMED took, output).  TIMED is timed
    from sending it to the end of its output, less what the end marker
    costs alone; `!date` stamps around it would fork the whole crash
    process inside the time (about 20 ms on the EPYC guest, more than a
    50,000-area listing)."""
    tfile = os.path.join(tmp, "time.txt")
    live = Live(case, tmp, ["/usr/bin/time", "-v", "-o", tfile], tries)
    out = [live.started]
    try:
        if pre:
            out.append(live.must(pre, timeout))
        mark = live.mark_cost(3)
        t0 = time.perf_counter()
        out.append(live.must(timed, timeout))
        inside = time.perf_counter() - t0 - mark
    finally:
        out.append(live.close())
    wall = live.ended - live.began
    if live.proc.returncode != 0:
        raise RuntimeError("%s: crash exited with %s:\n%s" % (
            case.label, live.proc.returncode, out[-1][-500:]))
    rss = None
    for line in open(tfile):
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1])
    return wall, rss, inside, "".join(out)


class Live:
    """A crash session kept open on CASE's dump, driven through its
    stdin: commands are sent a batch at a time and each batch's end is
    known by a marker.  Two of them, taken in turn a batch at a time,
    see the same state of the machine (per_area).  crash 8.0.2 on 6.12
    runs with heapfix.c preloaded (check.crash_env), and a start-up that
    aborts all the same is retried in another directory, as
    check.crash_start does; files the session writes end up in TMP."""

    def __init__(self, case, tmp, prefix=(), tries=4):
        self.case, self.n, self.proc, self.out = case, 0, None, tmp
        text = ""
        for attempt in range(tries):
            self.cwd = check.retry_dir(tmp, attempt)
            argv = list(prefix) + check.crash_argv(case.crash, case.flags,
                                                   case.dump)
            self.began = time.perf_counter()
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, cwd=self.cwd,
                env=check.crash_env(case.crash, case.dump))
            self.buf = b""
            text = self.run(["extend %s" % case.so], timeout=600)
            if text and "shared object loaded" in text:
                self.started = text
                return
            text = (text or "") + self.close()
            if not check.crash_died(self.proc.returncode, text):
                break
        raise RuntimeError("%s: crash session failed (rc %s):\n%s" % (
            case.label, self.proc.returncode,
            "\n".join(text.splitlines()[-8:])))

    def must(self, cmds, timeout=3600):
        text = self.run(cmds, timeout)
        if text is None:
            raise RuntimeError("%s: crash session lost:\n%s" % (
                self.case.label, self.close()[-500:]))
        return text

    def run(self, cmds, timeout=3600):
        """Send CMDS and an end marker (crash's own `eval`, which crash
        writes out at its end like every command's output; a `!` command
        would fork the whole crash process, some 20 ms here); the output
        up to the marker, or None if the session ended or timed out
        first."""
        self.n += 1
        value = 0x7e0000000000 + self.n
        mark = b"hexadecimal: %x " % value
        try:
            self.proc.stdin.write(("\n".join(
                cmds + ["eval 0x%x" % value]) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            return None
        fd, end = self.proc.stdout.fileno(), time.monotonic() + timeout
        while True:
            # the marker's output ends with its "binary:" line
            at = self.buf.find(mark)
            last = self.buf.find(b"binary:", at) if at >= 0 else -1
            stop = self.buf.find(b"\n", last) if last >= 0 else -1
            if stop >= 0:
                break
            left = end - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self.buf += chunk
        text, self.buf = self.buf[:at], self.buf[stop + 1:]
        return text.decode(errors="replace")

    def timed(self, cmds):
        """Wall seconds from sending CMDS to the end of their output."""
        t0 = time.perf_counter()
        self.must(cmds)
        return time.perf_counter() - t0

    def mark_cost(self, times):
        """What the end marker alone costs: median of TIMES."""
        return statistics.median(self.timed([]) for _ in range(times))

    def close(self):
        """End the session; the rest of its output (what it prints at
        exit, as the pread timer does)."""
        rest = self.buf
        self.buf = b""
        if self.proc.returncode is None:
            try:
                self.proc.stdin.write(b"exit\n")
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass
            try:
                rest += self.proc.communicate(timeout=60)[0] or b""
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rest += self.proc.communicate()[0] or b""
        self.ended = time.perf_counter()
        check.retry_done(self.cwd, self.out)
        return rest.decode(errors="replace")


def measure(case, pre, timed, reps, tmp, cleanup=None):
    walls, rsss, insides = [], [], []
    for _ in range(reps):
        if cleanup:
            cleanup()
        w, r, i, _ = session(case, pre, timed, tmp)
        walls.append(w)
        rsss.append(r)
        insides.append(i)
    return dict(wall=statistics.median(walls), rss=statistics.median(rsss),
                inside=statistics.median(insides), walls=walls)


def check_big(case, path):
    """The 64 MiB file: size, and the seeded pattern at 4096 spread words."""
    if not os.path.exists(path):
        return "no file"
    data = open(path, "rb").read()
    if len(data) != case.bigsize:
        return "size %d, want %d" % (len(data), case.bigsize)
    nwords = case.bigsize // 8
    for k in range(0, nwords, nwords // 4096):
        got = struct.unpack_from("<Q", data, k * 8)[0]
        if got != splitmix64((case.seed + k) & MASK):
            return "word %d differs from the seeded pattern" % k
    return None


LIST_ROW = re.compile(
    r"^\s*(\d+\s+)?[0-9a-f]{16}\s+(-|[0-9a-f]+)\s+[0-9a-f]{16} - ")
REGION_ROW = re.compile(
    r"^\s+[0-9a-f]{16} - [0-9a-f]{16}\s+\d+\s+(used|dirty|free)$")
KMEM_ROW = re.compile(r"^[0-9a-f]{16}\s+[0-9a-f]{16}\s+[0-9a-f]{16} - ")


def count_rows(case, tmp):
    """Untimed: rows of vmap list (and of vb regions), rows of kmem -v,
    vmap nodes (vmap list -v; "-" before 6.9)."""
    cmds = ["vmap list > list.txt", "vmap list -v > info.txt"]
    if "kmem" in case.what:
        cmds.append("kmem -v > kmemv.txt")
    if "page" in case.what:
        cmds.append("vmap page -f %s > page.txt" % case.page_file(tmp))
    session(case, [], cmds, tmp)
    if "page" in case.what:
        got = {}
        for line in open(os.path.join(tmp, "page.txt")):
            f = line.split()
            if len(f) >= 5 and re.match(r"^[0-9a-f]+$", f[0]) and \
               re.match(r"^[0-9a-f]{16}$", f[1]):
                got.setdefault(int(f[0], 16), set()).add(int(f[1], 16))
        bad = [pa for pa, va in case.page_sample().items()
               if va not in got.get(pa, set())]
        if bad or len(case.pages) < NR_PAGES:
            raise RuntimeError("%s: vmap page: %d of %d pages not mapped "
                               "where the page tables say" % (
                                   case.label, len(bad), len(case.pages)))
    rows = regions = 0
    for line in open(os.path.join(tmp, "list.txt")):
        if LIST_ROW.match(line):
            rows += 1
        elif REGION_ROW.match(line):
            regions += 1
    kmem = None
    if "kmem" in case.what:
        kmem = sum(1 for l in open(os.path.join(tmp, "kmemv.txt"))
                   if KMEM_ROW.match(l.strip()))
    nodes = re.search(r"vmap nodes: (\d+) ",
                      open(os.path.join(tmp, "info.txt")).read())
    return rows, regions, kmem, nodes[1] if nodes else "-"


COMMANDS = ("list", "kmem", "read", "rd", "page")
SUSTAIN = 50        # listings a session, after a first (pread_split)
ROUNDS = 41         # time per area: rounds of a batch on each side
BATCH = 20          # ... of this many listings
TITLE = {"list": "vmap list", "kmem": "kmem -v",
         "read": "vmap read -r 64M", "rd": "rd -r 64M",
         "page": "vmap page x%d" % NR_PAGES}


def run_case(case, reps):
    tmp = tempfile.mkdtemp(prefix="vx-bench-")
    r = dict(case=case)
    try:
        log("%s: counting rows" % case.label)
        r["rows"], r["regions"], r["kmem_rows"], r["nodes"] = \
            count_rows(case, tmp)
        log("%s: %d vmap list rows, %d vb regions, kmem -v %s rows, "
            "vmallocinfo %d" % (case.label, r["rows"], r["regions"],
                                r["kmem_rows"], case.vmi_rows))
        big = "%x" % case.big
        log("%s: base and setup sessions x%d" % (case.label, reps))
        r["base"] = measure(case, [], [], reps, tmp)
        r["setup"] = measure(case, [], ["vmap read %s 8 > /dev/null" % big],
                             reps, tmp)
        vfile, rfile = os.path.join(tmp, "vmap.bin"), os.path.join(tmp,
                                                                   "rd.bin")

        def rm(*paths):
            def f():
                for p in paths:
                    if os.path.exists(p):
                        os.unlink(p)
            return f
        cmd = {"list": ("vmap list > /dev/null", None),
               "kmem": ("kmem -v > /dev/null", None),
               "read": ("vmap read -r %s %s 0x%x > /dev/null" % (
                   vfile, big, case.bigsize), rm(vfile)),
               "rd": ("rd -r %s %s 0x%x > /dev/null" % (
                   rfile, big, case.bigsize), rm(rfile)),
               "page": ("vmap page -f %s > /dev/null" %
                        case.page_file(tmp), None)}
        for name in COMMANDS:
            if name not in case.what:
                continue
            c, cleanup = cmd[name]
            log("%s: %s, cold and warm, x%d" % (case.label, c, reps))
            cold = measure(case, [], [c], reps, tmp, cleanup)
            warm = measure(case, [c], [c], reps, tmp, cleanup)
            r[name] = dict(
                cold=cold["wall"] - r["base"]["wall"],
                cold_in=cold["inside"],
                warm=warm["wall"] - cold["wall"],
                warm_in=warm["inside"],
                rss=(cold["rss"] - r["base"]["rss"]) / 1024.0,
                rest=(cold["rss"] - r["setup"]["rss"]) / 1024.0,
                walls=cold["walls"])
        for name, path in (("read", vfile), ("rd", rfile)):
            if name in r:
                r[name]["bad"] = check_big(case, path)
                if r[name]["bad"]:
                    log("%s: %s output WRONG: %s" % (case.label, name,
                                                     r[name]["bad"]))
        if "read" in r and "rd" in r and not r["read"]["bad"] and \
                not r["rd"]["bad"]:
            r["same"] = open(vfile, "rb").read() == open(rfile, "rb").read()
    finally:
        subprocess.run(["rm", "-rf", "--one-file-system", tmp])
    return r


PREAD_RE = re.compile(r"^VXPREAD (\d+) (\d+)$", re.M)
PREADTIME = None    # --preadtime: tests/bench/preadtime.so


def preads(case, pre, timed, tmp):
    """A session under the pread timer: (pread64 calls, seconds in them)
    of crash, the one process of the session that reads the dump."""
    old = {k: os.environ.get(k) for k in ("LD_PRELOAD", "VX_PRELOAD")}
    # natively for crash itself, in the chroot through in-chroot.sh
    os.environ["LD_PRELOAD"] = os.environ["VX_PRELOAD"] = PREADTIME
    try:
        out = session(case, pre, timed, tmp)[3]
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    got = [(int(a), int(b)) for a, b in PREAD_RE.findall(out)]
    return (sum(a for a, _ in got), sum(b for _, b in got) / 1e9)


def pread_split(case, tmp):
    """The dump reads of one steady-state listing, per area: pread64 calls
    and seconds in them (SUSTAIN listings after a first, minus the first
    alone; median of 3)."""
    c = "vmap list > /dev/null"
    calls, secs = [], []
    for _ in range(3):
        n0, t0 = preads(case, [c], [], tmp)
        n1, t1 = preads(case, [c], [c] * SUSTAIN, tmp)
        calls.append((n1 - n0) / SUSTAIN / case.rows)
        secs.append((t1 - t0) / SUSTAIN / case.rows)
    return statistics.median(calls), statistics.median(secs)


def in_turn(lives, cmd, rounds):
    """Seconds per area of CMD in each of the LIVES sessions (by label):
    after a first CMD in each, ROUNDS rounds of BATCH of them in every
    session in turn, the order turned round every round, less what the
    end marker costs alone."""
    mark, got = {}, {}
    for live in lives:
        live.timed([cmd])
        mark[live.case.label] = live.mark_cost(5)
        got[live.case.label] = []
    for r in range(rounds):
        for live in lives if r % 2 == 0 else lives[::-1]:
            x = live.case
            secs = live.timed([cmd] * BATCH) - mark[x.label]
            got[x.label].append(secs / BATCH / x.rows)
    return got


def per_area(ca, cb):
    """Steady-state seconds per area of `vmap list` on CA and CB: a live
    crash session on each dump (Live), a first listing in each (set-up
    and the first pass over the dump done), then ROUNDS rounds of a batch
    of BATCH listings on each, in turn, A first in one round and B first
    in the next.  This guest's speed moves by up to 1.9x from minute to
    minute, which whole sessions taken in turn (several seconds apart)
    cannot tell from the code's; the two batches of one round are a
    fraction of a second apart.  Returns each side's median and batches,
    and each round's ratio B/A."""
    tmp = tempfile.mkdtemp(prefix="vx-bench-")
    c = "vmap list > /dev/null"
    lives = []
    try:
        for x in (ca, cb):
            lives.append(Live(x, tmp))
        got = in_turn(lives, c, ROUNDS)
        # ended before the pread timer's sessions, which they would
        # share the CPUs with (close() again below is a no-op)
        for live in lives:
            live.close()
        split = [pread_split(x, tmp) if PREADTIME else None
                 for x in (ca, cb)]
    finally:
        for live in lives:
            live.close()
        subprocess.run(["rm", "-rf", "--one-file-system", tmp])
    ratios = [b / a for a, b in zip(got[ca.label], got[cb.label])]
    return dict(sides=[(statistics.median(got[x.label]), got[x.label], sp)
                       for x, sp in zip((ca, cb), split)],
                ratios=ratios)


def ratio(a, b, key):
    """How many times faster A is than B on KEY (B / A)."""
    if not a or not b or a[key] <= 0 or b[key] <= 0:
        return None
    return b[key] / a[key]


def verdict(x, target, aim=None):
    if x is None:
        return "not measurable"
    if x >= target:
        if aim and x < aim:
            return "met (not the %.1fx aim)" % aim
        return "met"
    return "MISSED by %.2fx" % (target / x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--machine", default="")
    ap.add_argument("--scaling", default="",
                    help="SMALL_LABEL:LARGE_LABEL pairs, comma-separated")
    ap.add_argument("--preadtime", help="the pread timer shim (.so)")
    ap.add_argument("--per-area", default="",
                    help="A:B pairs (time per area of B no worse than A)")
    ap.add_argument("--per-area-info", default="",
                    help="A:B pairs timed as --per-area, without a target")
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()
    global PREADTIME
    PREADTIME = args.preadtime
    cases = [Case(c) for c in args.cases]
    results = {}
    for c in cases:
        results[c.label] = run_case(c, args.reps)
        c.rows = results[c.label]["rows"]
    by_label = {c.label: c for c in cases}
    steady = {}
    pairs = [(p, True) for p in filter(None, args.per_area.split(","))] + \
        [(p, False) for p in filter(None, args.per_area_info.split(","))]
    for pair, _ in pairs:
        a, b = pair.split(":")
        log("time per area, %s vs %s: %d rounds of %d listings each" % (
            a, b, ROUNDS, BATCH))
        steady[pair] = per_area(by_label[a], by_label[b])

    L = []
    L.append("vmap_ext benchmark (tests/bench/run.sh), %s" %
             time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    L.extend(args.machine.split("\\n") if args.machine else [])
    L.append("seconds, median of %d crash sessions each; cold = first "
             "command of a session minus an extend-only session" %
             args.reps)
    L.append("(crash start-up excluded; vmap's one-time DWARF set-up "
             "included), warm = the same command run a second time;")
    L.append("(in-session) = the command alone, timed inside the session. "
             "RSS+ MiB = peak RSS minus the extend-only session's,")
    L.append("of which 'after setup' is on top of a session that only ran "
             "`vmap read BIG 8` (vmap's libdw set-up).")
    L.append("")
    for c in cases:
        r = results[c.label]
        L.append("%s  (kernel %s, %s vmap nodes, %d vmap list rows + %d "
                 "vb regions, kmem -v %s rows, guest vmallocinfo %d rows)" % (
                     c.label, c.version, r["nodes"], r["rows"], r["regions"],
                     r["kmem_rows"] if r["kmem_rows"] is not None else "-",
                     c.vmi_rows))
        L.append("  %-18s %8s %14s %8s %14s %8s %12s" % (
            "command", "cold", "(in-session)", "warm", "(in-session)",
            "RSS+", "after setup"))
        for name in COMMANDS:
            if name not in r:
                continue
            m = r[name]
            L.append("  %-18s %8s %14s %8s %14s %8.1f %12s" % (
                TITLE[name], sec(m["cold"]), "(%.3f)" % m["cold_in"],
                sec(m["warm"]),
                "(%.3f)" % m["warm_in"], m["rss"],
                "%.1f" % m["rest"] if name in ("list", "read") else "-"))
        L.append("  %-18s %8s %14s %8s %14s %8.1f" % (
            "setup only", sec(r["setup"]["wall"] - r["base"]["wall"]),
            "(%.3f)" % r["setup"]["inside"], "", "",
            (r["setup"]["rss"] - r["base"]["rss"]) / 1024.0))
        L.append("  extend-only session: %.2f s, %.0f MiB" % (
            r["base"]["wall"], r["base"]["rss"] / 1024.0))
        for name in ("read", "rd"):
            if name in r and r[name].get("bad"):
                L.append("  WRONG: %s output: %s" % (TITLE[name],
                                                     r[name]["bad"]))
        if "same" in r:
            L.append("  64 MiB files of vmap read -r and rd -r: %s, seeded "
                     "pattern checked" % (
                         "identical" if r["same"] else "DIFFERENT"))
        L.append("")

    L.append("targets (issue 6): ratio of the in-session cold times "
             "[subtracted cold] [in-session warm]")
    for c in cases:
        r = results[c.label]
        if "list" in r and "kmem" in r and c.version.startswith("6.1."):
            a, b = r["list"], r["kmem"]
            x = ratio(a, b, "cold_in")
            L.append("  %-26s vmap list vs kmem -v: %s [%s] [%s] faster; "
                     "target >= 2x: %s" % (
                         c.label, fx(x), fx(ratio(a, b, "cold")),
                         fx(ratio(a, b, "warm_in")), verdict(x, 2)))
    for c in cases:
        r = results[c.label]
        if "list" in r and "kmem" in r and not c.version.startswith("6.1."):
            a, b = r["list"], r["kmem"]
            L.append("  %-26s vmap list vs kmem -v: %s [%s] [%s] faster "
                     "(no target)" % (c.label, fx(ratio(a, b, "cold_in")),
                                      fx(ratio(a, b, "cold")),
                                      fx(ratio(a, b, "warm_in"))))
    for pair in filter(None, args.scaling.split(",")):
        a, b = pair.split(":")
        ra, rb = results[a], results[b]
        if "list" not in ra or "list" not in rb:
            continue
        ar = rb["rows"] / ra["rows"]
        lim = 1.2 * ar
        tr = {k: (rb["list"][k] / ra["list"][k]
                  if ra["list"][k] > 0 else None)
              for k in ("cold_in", "cold", "warm_in")}
        L.append("  %s -> %s: %.2fx the rows, %s [%s] [%s] the time; "
                 "target <= %.2fx: %s" % (
                     a, b, ar, fx(tr["cold_in"]), fx(tr["cold"]),
                     fx(tr["warm_in"]), lim,
                     "met" if tr["cold_in"] and tr["cold_in"] <= lim else
                     "MISSED by %.2fx" % (tr["cold_in"] / lim)
                     if tr["cold_in"] else "not measurable"))
    for pair, judged in pairs:
        a, b = pair.split(":")
        ra, rb = results[a], results[b]
        if "list" not in ra or "list" not in rb:
            continue
        # judged: the steady state (per_area: ROUNDS rounds of a batch
        # of BATCH listings on each side, in two live sessions taken in
        # turn, so neither the once-per-session set-up nor the machine's
        # drift decides: the median of the rounds' ratios); one cold and
        # one warm listing are shown too
        (pa, la, sa), (pb, lb, sb) = steady[pair]["sides"]
        rs = steady[pair]["ratios"]
        q1, q2, q3 = statistics.quantiles(rs, n=4)
        pa, pb = pa * 1e6, pb * 1e6
        ca = ra["list"]["cold_in"] / ra["rows"] * 1e6
        cb = rb["list"]["cold_in"] / rb["rows"] * 1e6
        wa = ra["list"]["warm_in"] / ra["rows"] * 1e6
        wb = rb["list"]["warm_in"] / rb["rows"] * 1e6
        L.append("  time per area, %s vs %s: %.4f vs %.4f us, the second "
                 "%.3fx the first (median of %d rounds' ratios, quartiles "
                 "%.3f-%.3f, second faster in %d; a round: %d listings on "
                 "each side, in two live sessions taken in turn) [one cold "
                 "listing with set-up %.2f vs %.2f, one warm %.2f vs "
                 "%.2f]; %s" % (
                     a, b, pa, pb, q2, len(rs), q1, q3,
                     sum(1 for x in rs if x < 1), BATCH, ca, cb, wa, wb,
                     "no target (%s vs %s vmap nodes)" % (
                         ra["nodes"], rb["nodes"]) if not judged else
                     "target second no worse: " +
                     ("met" if q2 <= 1 else "MISSED by %.3fx" % q2)))
        L.append("    rounds, us per area: %s: %s; %s: %s" % (
            a, " ".join("%.4f" % (x * 1e6) for x in la),
            b, " ".join("%.4f" % (x * 1e6) for x in lb)))
        if sa and sb:
            # the split: the host kernel's copies of dump pages vs the rest
            ra_, rb_ = pa - sa[1] * 1e6, pb - sb[1] * 1e6
            L.append("    in pread64() of the dump: %.4f vs %.4f us per "
                     "area (%.3fx; %.0f vs %.0f reads per 1000 areas); "
                     "all else: %.4f vs %.4f us (%.3fx)" % (
                         sa[1] * 1e6, sb[1] * 1e6, sb[1] / sa[1],
                         sa[0] * 1000, sb[0] * 1000, ra_, rb_, rb_ / ra_))
    for c in cases:
        r = results[c.label]
        if "read" in r and "rd" in r:
            a, b = r["read"], r["rd"]
            x = ratio(a, b, "cold_in")
            L.append("  %-26s vmap read vs rd -r: %s [%s] [%s] faster; "
                     "target >= 1x, aim 1.5x: %s" % (
                         c.label, fx(x), fx(ratio(a, b, "cold")),
                         fx(ratio(a, b, "warm_in")), verdict(x, 1, 1.5)))
    for c in cases:
        r = results[c.label]
        if "page" in r and "list" in r:
            x = r["page"]["cold_in"] / r["list"]["cold_in"] \
                if r["list"]["cold_in"] > 0 else None
            L.append("  %-26s vmap page of %d pages vs vmap list: %s the "
                     "time (warm %s); target <= 2x (issue 9): %s" % (
                         c.label, len(c.pages), fx(x),
                         fx(r["page"]["warm_in"] / r["list"]["warm_in"]
                            if r["list"]["warm_in"] > 0 else None),
                         "met" if x and x <= 2 else
                         "MISSED by %.2fx" % (x / 2) if x else "-"))
    for c in cases:
        r = results[c.label]
        if "list" in r and r["rows"] >= 40000:
            L.append("  %-26s peak extra RSS listing %d rows: %.1f MiB "
                     "(%.1f after vmap's set-up); target < 32: %s" % (
                         c.label, r["rows"], r["list"]["rss"],
                         r["list"]["rest"],
                         "met" if r["list"]["rss"] < 32 else
                         "MISSED by %.1f MiB" % (r["list"]["rss"] - 32)))
    text = "\n".join(L) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


def sec(x):
    """A subtracted time; below zero it is start-up noise."""
    return "%.3f" % x if x >= 0 else "noise"


def fx(x):
    return "%.2fx" % x if x else "-"


if __name__ == "__main__":
    main()
