#!/usr/bin/python3
"""Time vmap against crash's own commands on the benchmark dumps (issue 6).

Called by tests/bench/run.sh, which builds the workloads (fixture kernels
booted with vx_fixture.scale=N) and the extension for each crash.

Every measurement is ONE crash session:  extend SO; !date; CMD; !date; exit
and the baseline is the same session without CMD.  The time of CMD is the
median wall time of the sessions minus the median wall time of the baseline
sessions (crash start-up excluded); the time between the two `!date` stamps
inside the session is shown beside it as a cross-check.  Peak memory is
GNU time's "Maximum resident set size" of the crash process, minus the
baseline's.  Nothing here is an assertion: the targets are printed with
the measured ratios.

usage: bench.py --out FILE --reps N CASE...
  CASE = LABEL,DUMPDIR,CRASH,SO,FLAGS,WHAT   (WHAT: '+'-joined of
         list, kmem, read, rd)   CRASH may contain spaces (a wrapper).
"""
import argparse
import os
import re
import shlex
import statistics
import struct
import subprocess
import sys
import tempfile
import time

MASK = (1 << 64) - 1


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


STAMP = "!date +VXSTAMP%s.%N"
STAMP_RE = re.compile(r"VXSTAMP(\d+\.\d+)")


def session(case, cmds, tmp, timeout=3600):
    """One crash session; returns (wall s, maxrss KiB, in-session s, out)."""
    cmdfile = os.path.join(tmp, "cmds")
    with open(cmdfile, "w") as f:
        f.write("\n".join(["extend %s" % case.so, STAMP] + cmds +
                          [STAMP, "exit"]) + "\n")
    tfile = os.path.join(tmp, "time.txt")
    argv = ["/usr/bin/time", "-v", "-o", tfile] + shlex.split(case.crash) + \
        ["-s"] + shlex.split(case.flags) + [
            os.path.join(case.dump, "vmlinux"),
            os.path.join(case.dump, "vmcore"), "-i", cmdfile]
    t0 = time.perf_counter()
    res = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, cwd=tmp, timeout=timeout)
    wall = time.perf_counter() - t0
    out = res.stdout.decode(errors="replace")
    if "shared object loaded" not in out or res.returncode != 0:
        raise RuntimeError("%s: crash session failed (rc %d):\n%s" % (
            case.label, res.returncode, "\n".join(out.splitlines()[-8:])))
    rss = None
    for line in open(tfile):
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1])
    stamps = [float(x) for x in STAMP_RE.findall(out)]
    inside = stamps[-1] - stamps[0] if len(stamps) >= 2 else float("nan")
    return wall, rss, inside, out


def measure(case, cmds, reps, tmp, cleanup=None):
    walls, rsss, insides = [], [], []
    for _ in range(reps):
        if cleanup:
            cleanup()
        w, r, i, _ = session(case, cmds, tmp)
        walls.append(w)
        rsss.append(r)
        insides.append(i)
    return dict(wall=statistics.median(walls), rss=statistics.median(rsss),
                inside=statistics.median(insides), walls=walls)


def check_big(case, path):
    """The 64 MiB file: size, and the seeded pattern at 4096 spread words."""
    data = open(path, "rb").read()
    if len(data) != case.bigsize:
        return "size %d, want %d" % (len(data), case.bigsize)
    nwords = case.bigsize // 8
    for k in range(0, nwords, nwords // 4096):
        got = struct.unpack_from("<Q", data, k * 8)[0]
        if got != splitmix64((case.seed + k) & MASK):
            return "word %d differs" % k
    return None


def count_rows(case, tmp):
    """Untimed: rows of vmap list (and of vb regions), rows of kmem -v."""
    cmds = ["vmap list > list.txt"]
    if "kmem" in case.what:
        cmds.append("kmem -v > kmemv.txt")
    session(case, cmds, tmp)
    rows = regions = 0
    for line in open(os.path.join(tmp, "list.txt")):
        if re.match(r"^\s*(\d+\s+)?[0-9a-f]{16}\s+(-|[0-9a-f]+)\s+[0-9a-f]{16} - ", line):
            rows += 1
        elif re.match(r"^\s+[0-9a-f]{16} - [0-9a-f]{16}\s+\d+\s+(used|dirty|free)$", line):
            regions += 1
    kmem = None
    if "kmem" in case.what:
        kmem = sum(1 for l in open(os.path.join(tmp, "kmemv.txt"))
                   if re.match(r"^[0-9a-f]{16}\s+[0-9a-f]{16}\s+[0-9a-f]{16} - ",
                               l.strip()))
    return rows, regions, kmem


def run_case(case, reps):
    tmp = tempfile.mkdtemp(prefix="vx-bench-")
    r = dict(case=case)
    try:
        log("%s: counting rows" % case.label)
        r["rows"], r["regions"], r["kmem_rows"] = count_rows(case, tmp)
        log("%s: %d vmap list rows, %d vb regions, kmem -v %s rows, "
            "vmallocinfo %d" % (case.label, r["rows"], r["regions"],
                                r["kmem_rows"], case.vmi_rows))
        log("%s: baseline (extend only) x%d" % (case.label, reps))
        base = measure(case, [], reps, tmp)
        r["base"] = base
        big = "%x" % case.big
        vfile, rfile = os.path.join(tmp, "vmap.bin"), os.path.join(tmp, "rd.bin")

        def rm(*paths):
            def f():
                for p in paths:
                    if os.path.exists(p):
                        os.unlink(p)
            return f
        plan = [("list", ["vmap list > /dev/null"], None),
                ("kmem", ["kmem -v > /dev/null"], None),
                ("read", ["vmap read -r %s %s 0x%x > /dev/null" % (
                    vfile, big, case.bigsize)], rm(vfile)),
                ("rd", ["rd -r %s %s 0x%x > /dev/null" % (
                    rfile, big, case.bigsize)], rm(rfile))]
        for name, cmds, cleanup in plan:
            if name not in case.what:
                continue
            log("%s: %s x%d" % (case.label, cmds[0], reps))
            m = measure(case, cmds, reps, tmp, cleanup)
            m["delta"] = m["wall"] - base["wall"]
            m["drss"] = (m["rss"] - base["rss"]) / 1024.0
            r[name] = m
        for name, path in (("read", vfile), ("rd", rfile)):
            if name in r:
                err = check_big(case, path)
                r[name]["bad"] = err
                if err:
                    log("%s: %s output WRONG: %s" % (case.label, name, err))
        if "read" in r and "rd" in r and not r["read"]["bad"] and \
                not r["rd"]["bad"]:
            r["same"] = open(vfile, "rb").read() == open(rfile, "rb").read()
    finally:
        subprocess.run(["rm", "-rf", "--one-file-system", tmp])
    return r


def fmt_t(m):
    if not m:
        return "-"
    return "%.3f (%.3f)" % (m["delta"], m["inside"])


def ratio(a, b):
    if not a or not b or a["delta"] <= 0:
        return None
    return b["delta"] / a["delta"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--machine", default="")
    ap.add_argument("--scaling", default="",
                    help="SMALL_LABEL:LARGE_LABEL pairs, comma-separated")
    ap.add_argument("--per-area", default="",
                    help="LABEL_A:LABEL_B (time per area of B no worse than A)")
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()
    cases = [Case(c) for c in args.cases]
    results = {}
    for c in cases:
        results[c.label] = run_case(c, args.reps)

    L = []
    L.append("vmap_ext benchmark (tests/bench/run.sh), %s" %
             time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    L.extend(args.machine.split("\\n") if args.machine else [])
    L.append("each time: median of %d crash sessions minus the median of %d "
             "extend-only sessions, seconds;" % (args.reps, args.reps))
    L.append("  in parentheses the median time between `!date` stamps "
             "inside the session; RSS+ = peak RSS minus the extend-only "
             "session's, MiB")
    L.append("")
    hdr = "%-26s %-7s %6s %6s %6s  %-15s %-15s %6s  %-15s %-15s %6s  %7s %7s" % (
        "workload/crash/mode", "kernel", "rows", "vbreg", "kmemv",
        "vmap list", "kmem -v", "x", "vmap read 64M", "rd -r 64M", "x",
        "listRSS+", "readRSS+")
    L.append(hdr)
    L.append("-" * len(hdr))
    for c in cases:
        r = results[c.label]
        lr = ratio(r.get("list"), r.get("kmem"))
        rr = ratio(r.get("read"), r.get("rd"))
        L.append("%-26s %-7s %6d %6d %6s  %-15s %-15s %6s  %-15s %-15s %6s  %7s %7s" % (
            c.label, c.version.split("-")[0][:7], r["rows"], r["regions"],
            r["kmem_rows"] if r["kmem_rows"] is not None else "-",
            fmt_t(r.get("list")), fmt_t(r.get("kmem")),
            "%.2fx" % lr if lr else "-",
            fmt_t(r.get("read")), fmt_t(r.get("rd")),
            "%.2fx" % rr if rr else "-",
            "%.1f" % r["list"]["drss"] if "list" in r else "-",
            "%.1f" % r["read"]["drss"] if "read" in r else "-"))
    L.append("")
    L.append("baselines (extend-only session wall s, RSS MiB): " + "; ".join(
        "%s %.2f s %.0f MiB" % (c.label, results[c.label]["base"]["wall"],
                                results[c.label]["base"]["rss"] / 1024.0)
        for c in cases))
    for c in cases:
        r = results[c.label]
        for name in ("read", "rd"):
            if name in r and r[name].get("bad"):
                L.append("WRONG: %s %s output: %s" % (c.label, name,
                                                      r[name]["bad"]))
        if "same" in r:
            L.append("%s: vmap read file %s rd -r file" % (
                c.label, "==" if r["same"] else "DIFFERS FROM"))

    # targets
    L.append("")
    L.append("targets (issue 6):")
    for c in cases:
        r = results[c.label]
        lr = ratio(r.get("list"), r.get("kmem"))
        if lr and c.version.startswith("6.1."):
            L.append("  %-40s vmap list %.2fx faster than kmem -v "
                     "(target >= 2x): %s" % (
                         c.label, lr, "met" if lr >= 2 else
                         "MISSED by %.2fx" % (2 / lr)))
    for pair in filter(None, args.scaling.split(",")):
        a, b = pair.split(":")
        ra, rb = results[a], results[b]
        if "list" in ra and "list" in rb and ra["list"]["delta"] > 0:
            ar = rb["rows"] / ra["rows"]
            tr = rb["list"]["delta"] / ra["list"]["delta"]
            tri = rb["list"]["inside"] / ra["list"]["inside"]
            lim = 1.2 * ar
            L.append("  %s -> %s: %.2fx the rows, %.2fx the time "
                     "(in-session %.2fx); target <= %.2fx: %s" % (
                         a, b, ar, tr, tri, lim,
                         "met" if tr <= lim else "MISSED by %.2fx" % (tr / lim)))
    for pair in filter(None, args.per_area.split(",")):
        a, b = pair.split(":")
        ra, rb = results[a], results[b]
        if "list" in ra and "list" in rb:
            pa = ra["list"]["delta"] / ra["rows"] * 1e6
            pb = rb["list"]["delta"] / rb["rows"] * 1e6
            L.append("  time per area: %s %.1f us, %s %.1f us (target: "
                     "second no worse): %s" % (
                         a, pa, b, pb, "met" if pb <= pa else
                         "MISSED by %.2fx" % (pb / pa)))
    for c in cases:
        r = results[c.label]
        rr = ratio(r.get("read"), r.get("rd"))
        if rr:
            L.append("  %-40s vmap read %.2fx rd -r (target >= 1x, aim "
                     "1.5x): %s" % (c.label, rr, "met" if rr >= 1.5 else
                                    "met (not the 1.5x aim)" if rr >= 1 else
                                    "MISSED by %.2fx" % (1 / rr)))
    for c in cases:
        r = results[c.label]
        if "list" in r and r["rows"] >= 40000:
            L.append("  %-40s peak extra RSS listing %d rows: %.1f MiB "
                     "(target < 32): %s" % (
                         c.label, r["rows"], r["list"]["drss"],
                         "met" if r["list"]["drss"] < 32 else "MISSED"))
    text = "\n".join(L) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
