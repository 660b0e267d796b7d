#!/usr/bin/python3
"""Judge `vmap` on a dump of Debian's own kernel (tests/distro/run.sh).

There is no fixture driver in that kernel, so the truth is:
  - the guest's /proc/vmallocinfo and /proc/meminfo, printed just before the
    dump (row for row: start, end, size, caller, type word);
  - crash's own `rd` (full mode) and an independent page-table walk done
    here, in Python, straight over the ELF vmcore (both modes), for
    `vmap read`.
The parsing helpers and the vmallocinfo-to-type map come from
tests/e2e/check.py.  Nothing is compared with vmap output captured earlier.

usage: judge.py DUMPDIR SO --mode full|minimal [--crash CRASH]
                [--retries N] [--label L] [--keep]
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True     # no __pycache__ in tests/e2e
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
import check as e2e  # noqa: E402
from check import (check, failures, parse_vmallocinfo,  # noqa: E402
                   expected_kinds, parse_list)

PAGE = 4096
MASK = (1 << 64) - 1
START_KERNEL_MAP = 0xffffffff80000000
STACKISH = ("kernel_clone", "copy_process", "dup_task_struct", "fork_idle")


# ---- the vmcore, read independently of crash and vmap -------------------------

class Vmcore:
    """Physical memory of a QEMU ELF dump (dump-guest-memory, paging=false)
    and a 4/5-level x86_64 page walk from init_top_pgt."""

    def __init__(self, path):
        self.f = open(path, "rb")
        eh = self.f.read(64)
        if eh[:4] != b"\x7fELF" or eh[4] != 2:
            raise ValueError("not an ELF64 vmcore")
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        self.loads, self.notes = [], {}
        for i in range(phnum):
            self.f.seek(phoff + i * phentsize)
            (ptype, _fl, off, _va, pa, filesz, _memsz,
             _al) = struct.unpack("<IIQQQQQQ", self.f.read(56))
            if ptype == 1:
                self.loads.append((pa, pa + filesz, off))
            elif ptype == 4:
                self._notes(off, filesz)
        self.l5 = False
        self.cr3 = None

    def _notes(self, off, size):
        self.f.seek(off)
        data = self.f.read(size)
        i = 0
        while i + 12 <= len(data):
            namesz, descsz, _t = struct.unpack_from("<III", data, i)
            i += 12
            name = data[i:i + namesz].rstrip(b"\0").decode(errors="replace")
            i += (namesz + 3) & ~3
            self.notes.setdefault(name, data[i:i + descsz])
            i += (descsz + 3) & ~3

    def vmcoreinfo(self):
        d = self.notes.get("VMCOREINFO", b"").decode(errors="replace")
        return dict(l.split("=", 1) for l in d.splitlines() if "=" in l)

    def phys(self, pa, n):
        """bytes at physical pa (within one page), or None if not dumped"""
        for lo, hi, off in self.loads:
            if lo <= pa and pa + n <= hi:
                self.f.seek(off + pa - lo)
                return self.f.read(n)
        return None

    def u64(self, pa):
        b = self.phys(pa, 8)
        return None if b is None else struct.unpack("<Q", b)[0]

    def translate(self, va):
        """physical address of va, or None if not mapped"""
        table = self.cr3
        levels = ((48, 5), (39, 4), (30, 3), (21, 2), (12, 1))
        for shift, level in levels if self.l5 else levels[1:]:
            e = self.u64(table + ((va >> shift) & 511) * 8)
            if e is None or not e & 1:
                return None
            if level in (2, 3) and e & 0x80:        # 2 MiB / 1 GiB leaf
                size = 1 << shift
                return (e & 0x000fffffffffffff & ~(size - 1)) + \
                    (va & (size - 1))
            table = e & 0x000ffffffffff000
        return table + (va & 0xfff)

    def read(self, va, n):
        """bytes and unmapped page addresses of [va, va+n); holes are
        zeros, as vmap read -r writes them"""
        out, holes = bytearray(), []
        while n > 0:
            chunk = min(n, PAGE - (va & 0xfff))
            pa = self.translate(va)
            b = self.phys(pa, chunk) if pa is not None else None
            if b is None:
                holes.append(va)
                b = bytes(chunk)
            out += b
            va += chunk
            n -= chunk
        return bytes(out), holes


def setup_walker(core, syms):
    """cr3 = init_top_pgt - __START_KERNEL_map + phys_base; phys_base from
    VMCOREINFO when the guest wrote it, else the one candidate for which
    the kernel's own phys_base variable holds that value."""
    info = core.vmcoreinfo()
    core.l5 = info.get("NUMBER(pgtable_l5_enabled)", "0") == "1"
    cands = []
    if "NUMBER(phys_base)" in info:
        cands.append(int(info["NUMBER(phys_base)"], 0))
    cands += [0, 0x1000000]
    for pb in cands:
        # under KASLR phys_base is often "negative": arithmetic mod 2^64
        pb &= MASK
        v = core.u64((syms["phys_base"] - START_KERNEL_MAP + pb) & MASK)
        if v == pb:
            core.cr3 = (syms["init_top_pgt"] - START_KERNEL_MAP + pb) & MASK
            return "phys_base %#x (%s)" % (
                pb, "VMCOREINFO" if "NUMBER(phys_base)" in info
                else "self-consistent")
    return None


# ---- crash ---------------------------------------------------------------------

def crash_session(args, flags, cmds, out):
    """Run crash with the commands until it starts (check.py's
    crash_start); each attempt's output goes to session-N.log."""
    cmdfile = os.path.join(out, "cmds")
    with open(cmdfile, "w") as f:
        f.write("\n".join(cmds + ["exit"]) + "\n")

    def log(attempt, text):
        with open(os.path.join(out, "session-%d.log" % attempt), "w") as f:
            f.write(text)
    rc, text, attempts, _ = e2e.crash_start(
        args.crash, flags, args.dump, cmdfile, out, args.retries,
        args.timeout, log)
    if "shared object loaded" in text:
        return rc, text, attempts
    return False, text, attempts


SYM_RE = re.compile(r"^([0-9a-f]{16}) \(\w\) (\S+)")
RD_RE = re.compile(r"^([0-9a-f]{16}):\s+((?:[0-9a-f]{16}\s+){1,2})")


def parse_rd64(path):
    """bytes shown by `rd -64` (or `vmap read`, same format)"""
    data = bytearray()
    for line in open(path) if os.path.exists(path) else []:
        m = RD_RE.match(line)
        if m:
            for w in m[2].split():
                data += struct.pack("<Q", int(w, 16))
    return bytes(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("so")
    ap.add_argument("--mode", choices=("full", "minimal"), required=True)
    ap.add_argument("--crash", default="/usr/bin/crash")
    ap.add_argument("--flags", help="crash flags (default: --no_modules "
                    "in full mode, --minimal)")
    ap.add_argument("--retries", type=int,
                    help="start-up attempts (default 4 full, 2 minimal)")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--label", default="")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--allow-startup-failure", action="store_true",
                    help="full mode: crash never starting (before vmap_ext "
                    "is loaded) is NOT JUDGED, not a failure")
    args = ap.parse_args()
    full = args.mode == "full"
    if args.flags is None:
        args.flags = "--no_modules" if full else "--minimal"
    if args.retries is None:
        args.retries = 4 if full else 2
    label = args.label or "%s/%s" % (os.path.basename(
        os.path.dirname(os.path.abspath(args.dump))), args.mode)
    out = tempfile.mkdtemp(prefix="vx-distro-%s-" % args.mode)

    vmi = parse_vmallocinfo(os.path.join(args.dump, "vmallocinfo.txt"))
    check(len(vmi) > 20, "%s: only %d vmallocinfo rows" % (label, len(vmi)))

    # areas to read: vmalloc'ed with every page mapped (pages= is size
    # minus the guard page: not the percpu chunks, populated on demand),
    # not thread stacks (they may go before the dump), distinct callers,
    # largest first (bpf_prog_pack sits in module space on 2 MiB pages)
    def pages(v):
        m = re.search(r" pages=(\d+)", v["line"])
        return int(m[1]) if m else -1
    reads, seen = [], set()
    cands = [v for v in vmi if expected_kinds(v["words"]) <= {
        "vmalloc", "vmalloc_user"} and v["caller"] and
        not v["caller"].startswith(STACKISH) and v["size"] >= 2 * PAGE and
        pages(v) == v["size"] // PAGE - 1]
    cands.sort(key=lambda v: -v["size"])
    for v in cands:
        fn = v["caller"].split("+")[0]
        if fn in seen:
            continue
        seen.add(fn)
        n = min(v["size"] - PAGE, 4 * PAGE)
        reads.append(("a%d" % len(reads), v["start"], n, v))
        if len(reads) == 5:
            break
    if reads:   # from inside the last page of an area into its guard page
        v = reads[-1][3]
        reads.append(("guard", v["end"] - PAGE - 256, 512, v))
    check(len(reads) >= 3, "%s: only %d areas to read" % (label, len(reads)))

    cmds = ["extend %s" % os.path.abspath(args.so),
            "vmap list -v > info.txt",
            "vmap list > list.txt",
            "vmap check > check.txt",
            "vmap list -c > callers.txt",
            "vmap list -s > summary.txt",
            "sym init_top_pgt > sym1.txt", "sym phys_base > sym2.txt"]
    for name, addr, n, _ in reads:
        cmds.append("vmap read -r %s.bin %x %d > %s.txt" % (name, addr, n,
                                                           name))
        if full and name != "guard":    # rd stops at the guard page
            cmds.append("rd -64 %x %d > %s.rd.txt" % (addr, n // 8, name))
    if full and reads:
        a = reads[0][1] + 64
        cmds += ["vmap read %x 512 > vread.txt" % a,
                 "rd -64 %x 64 > rd.txt" % a]
    cmds.append("vmap list -s > final.txt")

    rc, log, attempts = crash_session(args, args.flags, cmds, out)
    with open(os.path.join(out, "session.log"), "w") as f:
        f.write(log)
    p = lambda name: os.path.join(out, name)
    if rc is False:
        lines = [l.strip() for l in log.splitlines() if l.strip()]
        last = lines[-1] if lines else "no output"
        what = "NOT JUDGED" if full and args.allow_startup_failure else "FAIL"
        print("%s: %s: crash %s never started on this dump in %d attempts "
              "(crash -s %s; last words: %s)\n  (logs in %s)" % (
                  label, what, args.crash, attempts, args.flags, last, out))
        return 0 if what == "NOT JUDGED" else 1

    # the session: no gdb segfault, survived to the last command
    check("segmentation violation" not in log,
          "%s: 'segmentation violation' in the session: %s" % (
              label, [l for l in log.splitlines()
                      if "segmentation violation" in l][:3]))
    check("total" in e2e.readfile(p("final.txt")),
          "%s: session did not reach its final command" % label)
    check(rc == 0, "%s: crash exited with %s after loading vmap_ext" % (
        label, rc))

    # types from libdw, not crash's gdb
    info = e2e.readfile(p("info.txt"))
    m = re.search(r"types from: (.*)", info)
    provider = m[1].strip() if m else None
    check(provider and provider.startswith("libdw"),
          "%s: vmap list -v: types from %r, want libdw" % (label, provider))

    # 1. vmap list vs the guest's /proc/vmallocinfo, row for row
    rows = parse_list(p("list.txt")) if os.path.exists(p("list.txt")) else []
    check(rows, "%s: vmap list printed no rows" % label)
    by_start = {r["start"]: r for r in rows}
    starts = [r["start"] for r in rows]
    check(starts == sorted(starts), "%s: vmap list not sorted" % label)
    matched, tolerated = 0, []
    for v in vmi:
        row = by_start.get(v["start"])
        stack = v["caller"] and v["caller"].startswith(STACKISH)
        lazy = "unpurged" in " ".join(v["words"])
        if row is None:
            # a thread stack or lazy area may go between print and dump
            if check(stack or lazy, "%s: missing %s" % (label, v["line"])):
                tolerated.append("gone: " + v["line"])
            continue
        if row["kind"] == "lazy" and not lazy and stack:
            tolerated.append("now lazy: " + v["line"])
            continue
        matched += 1
        check(row["end"] == v["end"] and row["size"] == v["size"],
              "%s: range/size %x-%x %d for %s" % (
                  label, row["start"], row["end"], row["size"], v["line"]))
        check(row["kind"] in expected_kinds(v["words"]),
              "%s: type %s for %s" % (label, row["kind"], v["line"]))
        want_caller = v["caller"] or "-"
        check(row["caller"] == want_caller,
              "%s: caller %s for %s" % (label, row["caller"], v["line"]))
    vstarts = {v["start"] for v in vmi}
    for row in rows:
        if row["start"] not in vstarts:
            ok = row["kind"] == "lazy" or (
                row["kind"] == "vmalloc" and
                row["caller"].startswith(STACKISH))
            if check(ok, "%s: extra row %x-%x %s %s" % (
                    label, row["start"], row["end"], row["kind"],
                    row["caller"])):
                tolerated.append("new: %x %s %s" % (row["start"], row["kind"],
                                                    row["caller"]))

    # 2. vmap check is clean
    ck = e2e.readfile(p("check.txt")).strip()
    check(re.search(r"^vmap check: .*: clean$", ck, re.M) and
          len(ck.splitlines()) == 1,
          "%s: vmap check: %r" % (label, ck.splitlines()[:10]))

    # 3. vmap list -c: per caller and type, and the kernel's counter
    e2e.check_callers(label, vmi, p("callers.txt"),
                      os.path.join(args.dump, "meminfo.txt"), STACKISH)

    # 4. vmap read: against the page walk done here, and crash's rd
    syms = {}
    for name in ("sym1.txt", "sym2.txt"):
        for line in e2e.readfile(p(name)).splitlines():
            m = SYM_RE.match(line.strip())
            if m:
                syms[m[2]] = int(m[1], 16)
    walker = None
    if check("init_top_pgt" in syms and "phys_base" in syms,
             "%s: sym init_top_pgt / phys_base failed" % label):
        core = Vmcore(os.path.join(args.dump, "vmcore"))
        walker = setup_walker(core, syms)
        check(walker, "%s: no phys_base fits the dump" % label)
    nonzero = 0
    for name, addr, n, v in reads:
        data = open(p(name + ".bin"), "rb").read() \
            if os.path.exists(p(name + ".bin")) else b""
        txt = e2e.readfile(p(name + ".txt"))
        if walker:
            want_b, holes = core.read(addr, n)
            check(data == want_b,
                  "%s: vmap read %x %d (%s) differs from the vmcore's page "
                  "tables" % (label, addr, n, v["line"]))
            if name != "guard":
                check(not holes, "%s: area %s: unmapped pages %s" % (
                    label, v["line"], [hex(h) for h in holes[:4]]))
                nonzero += any(want_b)
        if name == "guard":
            check("hole of 256 bytes" in txt and "guard" in txt,
                  "%s: guard page not reported: %r" % (label, txt))
        elif full:
            check(data and data == parse_rd64(p(name + ".rd.txt")),
                  "%s: vmap read %x %d differs from rd" % (label, addr, n))
    check(not walker or nonzero, "%s: every area read is all zeros" % label)
    if full and reads:
        vread = [l.strip() for l in open(p("vread.txt"))] \
            if os.path.exists(p("vread.txt")) else []
        rd = [l.strip() for l in open(p("rd.txt"))] \
            if os.path.exists(p("rd.txt")) else []
        check(vread and vread == rd,
              "%s: vmap read text differs from rd" % label)

    print("%s: %d checks, %d failed; %d vmallocinfo rows matched of %d, "
          "%d list rows, %d reads; types from %s; %s (crash -s %s, "
          "attempt %d)" % (
              label, e2e.checks, len(failures), matched, len(vmi), len(rows),
              len(reads), provider, ck.splitlines()[0] if ck else "no check",
              args.flags, attempts))
    for t in tolerated:
        print("  tolerated " + t)
    for f in failures[:60]:
        print("  FAIL " + f)
    if failures or args.keep:
        print("  (session output in %s)" % out)
    else:
        subprocess.run(["rm", "-rf", out])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
