#!/usr/bin/python3
"""The peers side by side on one fixture dump.

For each tool: rows listed, guest /proc/vmallocinfo rows matched (start,
end, size; caller where the tool prints one), vm_map_ram areas found, vb
regions shown, lazy areas labelled, and wall time of the listing inside
one session (crash: session time minus an otherwise identical session
without the command; drgn: timed in Python).

usage: peers.py DUMPDIR VERSION  (prints one markdown table)
"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import check  # noqa: E402  (parsers of the e2e judge)

HOSTS = os.path.join(ROOT, "tests", "hosts")


def chroot(suite):
    return subprocess.run([os.path.join(HOSTS, "mkchroot.sh"), suite],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          check=True).stdout.decode().split()[-1]


def session(crash, flags, dump, cmds, cwd, attempt=0):
    """(seconds, output) of one crash session; ATTEMPT > 0 runs it in a
    working directory of another length (check.crash_once, which also
    preloads heapfix.c where crash 8.0.2 needs it)."""
    cmdfile = os.path.join(cwd, "cmds")
    with open(cmdfile, "w") as f:
        f.write("\n".join(cmds + ["exit"]) + "\n")
    t = time.time()
    _, text = check.crash_once(crash, " ".join(flags), dump, cmdfile, cwd,
                               attempt)
    return time.time() - t, text


def timed(crash, flags, dump, pre, cmd, out, cwd, tries=4):
    """Median over 3 runs of (session with CMD) - (session without)."""
    times = []
    for _ in range(3):
        for attempt in range(tries):
            base, log0 = session(crash, flags, dump, pre, cwd, attempt)
            full, log = session(crash, flags, dump, pre + [cmd], cwd,
                                attempt)
            if os.path.exists(os.path.join(cwd, out)) and (
                    "loaded" in log or not pre):
                break
        else:
            return None, log
        times.append(max(full - base, 0.0))
    times.sort()
    return times[1], log


def score(name, vmi, listed, vmr, regions, lazy, secs, note=""):
    truth = {(v["start"], v["end"]) for v in vmi}
    got = {(s, e) for s, e in listed}
    matched = len(truth & got)
    ram = [v for v in vmi if "vm_map_ram" in v["words"]]
    return "| %s | %d | %d / %d | %d / %d | %s | %s | %s |%s" % (
        name, len(listed), matched, len(vmi),
        sum(1 for v in ram if (v["start"], v["end"]) in got), len(ram),
        regions, lazy, "-" if secs is None else "<0.01 s" if secs < 0.01
        else "%.2f s" % secs,
        " " + note if note else "")


def main():
    dump, version = sys.argv[1], sys.argv[2]
    vmi = check.parse_vmallocinfo(os.path.join(dump, "vmallocinfo.txt"))
    unpurged = {(v["start"], v["end"]) for v in vmi
                if "unpurged" in " ".join(v["words"])}
    rows = []
    cwd = tempfile.mkdtemp(prefix="vx-peers-")
    so_native = os.path.join(ROOT, "vmap_ext.so")
    sid = chroot("sid")
    trixie = chroot("trixie")
    hosts = [("crash 8.0.2", ["/usr/bin/crash"], so_native),
             ("crash 8.0.6", [os.path.join(HOSTS, "crash-in-chroot.sh"),
                              trixie],
              os.path.join(ROOT, "build", "trixie", "vmap_ext.so")),
             ("crash 9.0.2", [os.path.join(HOSTS, "crash-in-chroot.sh"),
                              sid],
              os.path.join(ROOT, "build", "sid", "vmap_ext.so"))]
    for name, crash, so in hosts:
        # crash's own kmem -v, full mode (with --no_modules if needed)
        for flags in ([], ["--no_modules"]):
            secs, log = timed(crash, flags, dump, [], "kmem -v > kmem.txt",
                              "kmem.txt", cwd)
            if secs is not None:
                break
        kmem = check.parse_kmem_v(os.path.join(cwd, "kmem.txt")) \
            if secs is not None else []
        note = "" if secs is not None else \
            "(crash did not start in full mode)"
        if secs is not None and not kmem:
            err = [l for l in open(os.path.join(cwd, "kmem.txt"))
                   if "kmem:" in l] if os.path.exists(
                os.path.join(cwd, "kmem.txt")) else []
            err += [l for l in log.splitlines() if l.startswith("kmem:")]
            note = "(%s)" % (err[0].strip() if err else "no rows")
        rows.append(score(name + " `kmem -v`", vmi,
                          [(s, e) for _, s, e in kmem], None, 0, 0,
                          secs if kmem else None, note))
        try:
            os.remove(os.path.join(cwd, "kmem.txt"))
        except OSError:
            pass
        # vmap list in the same crash; --minimal where full mode fails
        if not os.path.exists(so):
            continue
        pre = ["extend " + so]
        for flags in ([], ["--no_modules"], ["--minimal"]):
            secs, log = timed(crash, flags, dump, pre,
                              "vmap list > vmap.txt", "vmap.txt", cwd)
            if secs is not None:
                break
        listed = check.parse_list(os.path.join(cwd, "vmap.txt")) \
            if secs is not None else []
        rows.append(score(
            "%s `vmap list`%s" % (name, " (--minimal)" if
                                  flags == ["--minimal"] else ""),
            vmi, [(r["start"], r["end"]) for r in listed], None,
            sum(len(r["regions"]) for r in listed),
            "%d / %d" % (sum(1 for r in listed if r["kind"] == "lazy" and
                             (r["start"], r["end"]) in unpurged),
                         len(unpurged)), secs))
    # drgn 0.3.0 (sid): for_each_vmap_area() and its crash-like kmem -v
    res = subprocess.run(
        [os.path.join(HOSTS, "in-chroot.sh"), sid, "python3",
         os.path.join(HERE, "drgn_vmap.py"),
         os.path.join(dump, "vmcore"),
         os.path.realpath(os.path.join(dump, "vmlinux"))],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd)
    out = res.stdout.decode(errors="replace")
    helper = [(int(f[1], 16), int(f[2], 16)) for f in
              (l.split() for l in out.splitlines() if l.startswith("helper "))]
    kmem = []
    for l in out.splitlines():
        m = check.KMEM_RE.match(l[5:].strip()) if l.startswith("kmem ") \
            else None
        if m:
            kmem.append((int(m[3], 16), int(m[4], 16)))
    t = dict(re.findall(r"^time (\w+) ([\d.]+)$", out, re.M))
    note = "" if helper else "(" + out.strip().splitlines()[-1][:60] + ")"
    rows.append(score("drgn 0.3.0 `for_each_vmap_area()`", vmi, helper,
                      None, 0, 0, float(t.get("helper", 0)) or None, note))
    rows.append(score("drgn 0.3.0 `crash kmem -v`", vmi, kmem, None, 0, 0,
                      float(t.get("kmem", 0)) or None))
    print("### %s (%d /proc/vmallocinfo rows)\n" % (version, len(vmi)))
    print("| tool | rows listed | vmallocinfo rows matched | vm_map_ram "
          "areas | vb regions | lazy areas labelled | time in session |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)
    print()
    subprocess.run(["rm", "-rf", cwd])


if __name__ == "__main__":
    main()
