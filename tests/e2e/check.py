#!/usr/bin/python3
"""Judge `vmap` on a real fixture dump against independent truth.

Truth comes from the guest itself: /proc/vmallocinfo printed just before
the dump, the fixture driver's manifest (kind, address, size, seed,
used/freed), the seeded patterns regenerated here, and crash's own `rd`
and `kmem -v` on the same dump.  Nothing is compared with output of
vmap_ext captured earlier.

usage: check.py DUMPDIR SO [--crash CRASH] [--flags FLAGS] [--label L]
"""
import argparse
import functools
import hashlib
import os
import random
import shutil
import re
import shlex
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = 4096
MASK = (1 << 64) - 1
failures = []
checks = 0


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        failures.append(msg)
    return cond


def readfile(path):
    """The text of PATH, empty if crash did not write it."""
    return open(path).read() if os.path.exists(path) else ""


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def pattern(seed, offset, length):
    """Bytes [offset, offset+length) of the area pattern with SEED."""
    first, last = offset // 8, (offset + length + 7) // 8
    words = b"".join(struct.pack("<Q", splitmix64((seed + k) & MASK))
                     for k in range(first, last))
    skip = offset - first * 8
    return words[skip:skip + length]


def in_vmalloc_space(addr):
    """vmalloc space, wherever KASLR put it: kernel addresses below
    __START_KERNEL_map (the image and module space lie above it; the
    fixtures have VMAP_STACK, so no stack is in the direct map)."""
    return 0xffff800000000000 <= addr < 0xffffffff80000000


# ---- ground truth ---------------------------------------------------------

VMI_RE = re.compile(r"^0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+)\s*(.*)$")


def guest_cpus(path):
    """nr_cpu_ids and the possible CPUs from the guest's boot log (6.12:
    "Allowing 4 present CPUs plus 124 hotplug CPUs", 6.1: "Allowing 4
    CPUs, 0 hotplug CPUs"); None if it does not say."""
    text = readfile(path) if os.path.exists(path) else ""
    ids = re.search(r"setup_percpu: .*\bnr_cpu_ids:(\d+)", text)
    allow = re.search(r"Allowing (\d+) (?:present )?CPUs(?:,| plus) "
                      r"(\d+) hotplug CPUs", text)
    if not ids or not allow:
        return None
    possible = int(allow[1]) + int(allow[2])
    # mm/vmalloc.c (6.9+): one vmap node per possible CPU, at most 128
    return dict(nr_cpu_ids=int(ids[1]), possible=possible,
                nodes=min(possible, 128))


def parse_vmallocinfo(path):
    rows = []
    for line in open(path):
        m = VMI_RE.match(line.strip())
        if not m:
            continue
        start, end, size = int(m[1], 16), int(m[2], 16), int(m[3])
        rest = m[4].split()
        caller = None
        if rest and "+0x" in rest[0]:
            caller = rest[0].split("/")[0]
            rest = rest[1:]
        words = [w for w in rest if not w.startswith(("pages=", "phys=", "N"))]
        rows.append(dict(start=start, end=end, size=size, caller=caller,
                         words=words, line=line.strip()))
    return rows


def expected_kinds(words):
    w = set(words)
    text = " ".join(words)
    if "unpurged" in text:
        return {"lazy"}
    if "vm_map_ram" in w:
        return {"vm_map_ram", "vmap_block"}
    if "ioremap" in w:
        return {"ioremap"}
    if "sparse" in w:
        return {"sparse"}
    if "vmalloc" in w:
        return {"vmalloc_user"} if "user" in w else {"vmalloc"}
    if "dma-coherent" in w:
        return {"dma-coherent"}
    if "vmap" in w:
        return {"vmap"}
    return {"vm_struct", "uninitialized"}


def parse_tasks(path):
    """The driver's own account of every thread's kernel stack."""
    tasks = []
    for line in open(path):
        m = re.search(r"VXFIX task pid=(\d+) comm=(.*) stack=0x([0-9a-f]+)",
                      line)
        if m:
            tasks.append((int(m[1]), m[2].strip(), int(m[3], 16)))
    return tasks


def parse_manifest(path):
    recs = []
    for line in open(path):
        if "VXFIX kind=" not in line:
            continue
        fields = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
        rec = dict(kind=fields["kind"], addr=int(fields["addr"], 16),
                   size=int(fields["size"], 16), pages=int(fields["pages"]),
                   seed=int(fields["seed"], 16), state=fields["state"],
                   phys0=int(fields.get("phys0", "0"), 16))
        recs.append(rec)
    return recs


# ---- vmap output ------------------------------------------------------------

ROW_RE = re.compile(
    r"^\s*(?:(\d+)\s+)?([0-9a-f]{16})\s+(-|[0-9a-f]+)\s+([0-9a-f]{16}) - "
    r"([0-9a-f]{16})\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)")
REG_RE = re.compile(r"^\s+([0-9a-f]{16}) - ([0-9a-f]{16})\s+(\d+)\s+"
                    r"(used|dirty|free)$")
BLK_RE = re.compile(r"^\s+VMAP_BLOCK ([0-9a-f]+).*\((.*)\)$")


def parse_list(path):
    rows, cur = [], None
    for line in open(path):
        line = line.rstrip("\n")
        m = ROW_RE.match(line)
        if m:
            cur = dict(node=m[1], va=int(m[2], 16), vm=m[3],
                       start=int(m[4], 16), end=int(m[5], 16),
                       size=int(m[6]), kind=m[7], pages=m[8], caller=m[9],
                       regions=[], block=None)
            rows.append(cur)
            continue
        m = BLK_RE.match(line)
        if m and cur:
            cur["block"] = m[2]
            continue
        m = REG_RE.match(line)
        if m and cur:
            cur["regions"].append((int(m[1], 16), int(m[2], 16), m[4]))
    return rows


# (crash prints a vm_struct pointer without leading zeros: the bogus rows
# below carry garbage there)
KMEM_RE = re.compile(r"^([0-9a-f]{16})\s+([0-9a-f]{1,16})\s+([0-9a-f]{16}) - "
                     r"([0-9a-f]{16})\s+(\d+)")


def parse_kmem_v(path):
    out = []
    for line in open(path):
        m = KMEM_RE.match(line.strip())
        if m:
            out.append((int(m[1], 16), int(m[3], 16), int(m[4], 16)))
    return out


# ---- the crash session --------------------------------------------------------

def retry_dir(out, attempt):
    """Where attempt ATTEMPT runs: OUT itself, then a short directory of
    /tmp (9 characters), then a long one under OUT, then another short
    one.  Whether crash 8.0.2's damaged heap (heapfix.c, preloaded by
    crash_env() where it is needed) aborts depends on the length of the
    working directory's name, so a start-up that dies all the same is
    retried in a directory of another length."""
    if attempt % 2:
        while True:
            cwd = "/tmp/%04x" % random.getrandbits(16)
            try:
                os.mkdir(cwd)
                return cwd
            except FileExistsError:
                continue
    cwd = os.path.join(out, "retry" + "-" * 64) if attempt else out
    os.makedirs(cwd, exist_ok=True)
    return cwd


@functools.lru_cache(maxsize=None)
def crash_release(argv):
    """(major, minor, patch) that the crash run by ARGV (a tuple) says it
    is, None if `crash --version` names no release."""
    try:
        out = subprocess.run(list(argv) + ["--version"],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=60,
                             stdin=subprocess.DEVNULL).stdout.decode(
                                 errors="replace")
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"^crash (\d+)\.(\d+)\.(\d+)", out, re.M)
    return tuple(int(x) for x in m.groups()) if m else None


@functools.lru_cache(maxsize=None)
def kernel_has_symbol(dump, name):
    """Whether DUMP's vmlinux has the symbol NAME: from the System.map
    beside it, else from its own symbol table."""
    vmlinux = os.path.realpath(os.path.join(dump, "vmlinux"))
    try:
        with open(os.path.join(os.path.dirname(vmlinux), "System.map")) as f:
            lines = f.read().splitlines()
    except OSError:
        lines = subprocess.run(["nm", vmlinux], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL).stdout.decode(
                                   errors="replace").splitlines()
    return any(line.split()[-1:] == [name] for line in lines)


def heapfix_so():
    """heapfix.c built once into the cache, keyed by its source."""
    src = os.path.join(HERE, "heapfix.c")
    key = hashlib.sha256(open(src, "rb").read()).hexdigest()[:12]
    cache = os.environ.get("VX_CACHE", "/var/cache/vmap_ext")
    so = os.path.join(cache, "heapfix-%s.so" % key)
    if not os.path.exists(so):
        os.makedirs(cache, exist_ok=True)
        tmp = "%s.%d" % (so, os.getpid())
        subprocess.run(["gcc", "-std=c11", "-O2", "-Wall", "-Werror",
                        "-shared", "-fPIC", "-o", tmp, src], check=True)
        os.replace(tmp, so)
    return so


def crash_env(crash, dump):
    """The environment CRASH runs in on DUMP: this one, with heapfix.so
    preloaded where crash's own start-up would damage its heap (a
    release before 8.0.3 on a kernel with struct pcpu_hot, 6.2+; see
    heapfix.c)."""
    env = dict(os.environ)
    release = crash_release(tuple(shlex.split(crash)
                                  if isinstance(crash, str) else crash))
    if release and release < (8, 0, 3) and \
            kernel_has_symbol(os.path.abspath(dump), "pcpu_hot"):
        # after a preloaded sanitizer runtime, which must come first
        # (asan-e2e.sh): its malloc then stays in charge
        env["LD_PRELOAD"] = " ".join(
            filter(None, [env.get("LD_PRELOAD"), heapfix_so()]))
    return env


def crash_argv(crash, flags, dump):
    """The command line of a silent CRASH (a command line or argv list)
    with FLAGS on DUMP's vmlinux and vmcore."""
    return (shlex.split(crash) if isinstance(crash, str) else list(crash)) \
        + ["-s"] + shlex.split(flags) + [
        os.path.join(dump, "vmlinux"), os.path.join(dump, "vmcore")]


def retry_done(cwd, out):
    """The files a session wrote in its retry_dir() CWD, moved to OUT."""
    if cwd == out or not os.path.isdir(cwd):
        return
    for name in os.listdir(cwd):
        os.replace(os.path.join(cwd, name), os.path.join(out, name))
    os.rmdir(cwd)


def crash_once(crash, flags, dump, cmdfile, out, attempt=0, timeout=600):
    """One session of CRASH (a command line or argv list): (rc, output),
    rc None if it timed out.  It runs in retry_dir(OUT, ATTEMPT); the
    files it writes end up in OUT."""
    cwd = retry_dir(out, attempt)
    argv = crash_argv(crash, flags, dump) + ["-i", cmdfile]
    try:
        res = subprocess.run(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=timeout,
                             stdin=subprocess.DEVNULL, cwd=cwd,
                             env=crash_env(crash, dump))
        rc, text = res.returncode, res.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        rc = None
        text = (e.stdout or b"").decode(errors="replace") + \
            "\n[crash timed out after %d s]\n" % timeout
    retry_done(cwd, out)
    return rc, text


def crash_died(rc, text):
    """crash aborted or was killed (heap corruption, a signal), which
    8.0.2 does at random on 6.2+ dumps unless heapfix.c is preloaded."""
    return rc < 0 or rc >= 128 or any(
        w in text for w in ("corrupted", "Segmentation fault", "Aborted",
                            "free(): ", "malloc(): "))


def crash_start(crash, flags, dump, cmdfile, out, retries, timeout=600,
                log=None):
    """crash_once until vmap_ext is loaded: an aborted start-up (crash
    8.0.2 on 6.2+ dumps, heap corruption before any extension loads, if
    heapfix.c did not prevent it) is retried in another directory; a
    clean refusal ("invalid structure member offset", "not SMP") is the
    same every time and is not.
    LOG(attempt, output) sees every attempt.  Returns (rc, output,
    attempts, seconds of the last attempt); rc None: timed out."""
    for attempt in range(retries):
        t0 = time.perf_counter()
        rc, text = crash_once(crash, flags, dump, cmdfile, out, attempt,
                              timeout)
        secs = time.perf_counter() - t0
        if log:
            log(attempt, text)
        if rc is None or "shared object loaded" in text or \
                not crash_died(rc, text):
            break
    return rc, text, attempt + 1, secs


def run_crash(args, dump, cmds, out):
    """Run the session, with each candidate flags in turn until crash
    starts (crash_start).  Once vmap_ext is loaded, the session must
    finish."""
    cmdfile = os.path.join(out, "cmds")
    with open(cmdfile, "w") as f:
        f.write("\n".join(cmds + ["exit"]) + "\n")

    def log(attempt, text):
        with open(os.path.join(out, "session.log"), "w") as f:
            f.write(text)
    text = ""
    for flags in args.flags.split("|"):
        rc, text, attempts, _ = crash_start(args.crash, flags, dump,
                                            cmdfile, out, args.retries,
                                            log=log)
        args.retried += attempts - 1
        if rc is None:
            check(False, "crash session timed out")
            return text
        if "shared object loaded" in text:
            check(rc == 0, "crash exited with %d after loading "
                  "vmap_ext" % rc)
            args.used_flags = flags
            return text
    args.used_flags = None
    return text



def check_callers(label, vmi, callers, meminfo_path, churn):
    """vmap list -c (output in CALLERS) against the guest: per caller and
    type, the areas and bytes of its /proc/vmallocinfo (callers in CHURN,
    whose areas may come or go between print and dump, left out), and the
    kernel counter against its VmallocUsed."""
    want = {}
    for v in vmi:
        kinds = expected_kinds(v["words"])
        if not v["caller"] or v["caller"].startswith(churn) or \
                len(kinds) != 1:
            continue
        key = (v["caller"], next(iter(kinds)))
        areas, size = want.get(key, (0, 0))
        want[key] = (areas + 1, size + v["size"])
    got = {}
    counter = None
    for line in open(callers) if os.path.exists(callers) else []:
        f = line.split()
        if len(f) == 5 and f[0].isdigit():
            got[(f[4], f[3])] = (int(f[0]), int(f[2]))
        m = re.search(r"in busy VM_ALLOC areas, kernel (\S+): (\d+) "
                      r"(?:[-+]\d+ per-CPU = (\d+) )?(\(.*)", line)
        if m:
            # with the per-CPU deltas folded in, where vmap shows them
            counter = (m[1], int(m[3] or m[2]), m[4])
    for key, val in sorted(want.items()):
        check(got.get(key) == val, "%s: caller summary %s: %s, guest %s" %
              (label, key, got.get(key), val))
    meminfo = {}
    for line in open(meminfo_path):
        f = line.replace(":", " ").split()
        if len(f) >= 2 and f[1].isdigit():
            meminfo[f[0]] = int(f[1])
    if check(counter is not None, "%s: no kernel counter line" % label):
        # a thread stack (4 pages) may come or go between print and dump
        check(abs(counter[1] * 4 - meminfo["VmallocUsed"]) <= 64,
              "%s: %s %d pages, guest VmallocUsed %d kB" % (
                  label, counter[0], counter[1], meminfo["VmallocUsed"]))
        check(counter[2] == "(same)", "%s: our VM_ALLOC pages vs %s: %s" %
              (label, counter[0], counter[2]))


def session_args():
    """The arguments of a judged session: DUMP, SO, --crash, --flags."""
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("so")
    ap.add_argument("--crash", default="/usr/bin/crash")
    ap.add_argument("--flags", default="")
    return ap


def main():
    ap = session_args()
    ap.add_argument("--label", default="")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--save", metavar="DIR",
                    help="copy the outputs of vmap list and the reads "
                    "here (to compare full mode with --minimal)")
    ap.add_argument("--allow-startup-failure", action="store_true",
                    help="crash failing before loading vmap_ext is not a "
                    "failure of vmap (crash 8.0.2 on 7.2: 'not SMP')")
    ap.add_argument("--retries", type=int, default=1,
                    help="start-up attempts per flag set ('|' separates "
                    "alternative flag sets in --flags)")
    args = ap.parse_args()
    args.retried = 0
    label = args.label or os.path.basename(args.dump.rstrip("/"))
    out = tempfile.mkdtemp(prefix="vx-e2e-")

    vmi = parse_vmallocinfo(os.path.join(args.dump, "vmallocinfo.txt"))
    man = parse_manifest(os.path.join(args.dump, "manifest.txt"))
    # a benchmark workload dump (mkfixture.sh VX_SCALE): N areas more
    spath = os.path.join(args.dump, "scale")
    scale = int(open(spath).read()) if os.path.exists(spath) else 0
    check(len(vmi) > 20 and len(man) > 20, "fixture too small")

    reads = []          # (name, addr, len, expected bytes or None)
    for i, rec in enumerate(man):
        if rec["state"] != "used" or rec["kind"] == "ioremap":
            continue
        reads.append(("r%d" % i, rec["addr"], rec["size"],
                      pattern(rec["seed"], 0, rec["size"])))
    vbs = [r for r in man if r["kind"] == "vb"]
    multi = [r for r in vbs if r["state"] == "used" and r["pages"] > 1]
    for i, rec in enumerate(multi):
        # starts inside a multi-page used run: the kernel gets this wrong
        off = PAGE + 123
        n = min(300, rec["size"] - off)
        reads.append(("mid%d" % i, rec["addr"] + off, n,
                      pattern(rec["seed"], off, n)))
    freed = [r for r in vbs if r["state"] == "freed"]
    for i, rec in enumerate(freed):
        reads.append(("freed%d" % i, rec["addr"], rec["size"],
                      bytes(rec["size"])))
    # used vb mapping, then on into the freed one after it (same block)
    for i, (a, b) in enumerate(zip(vbs, vbs[1:])):
        if a["state"] == "used" and b["state"] == "freed" and \
           b["addr"] - a["addr"] < 16 * PAGE:
            length = b["addr"] + b["size"] - a["addr"]
            want = bytearray(length)
            want[:a["size"]] = pattern(a["seed"], 0, a["size"])
            reads.append(("cross%d" % i, a["addr"], length, bytes(want)))
    ior = [r for r in man if r["kind"] == "ioremap"]

    phys = [r for r in man if r.get("phys0") and r["state"] == "used"]
    cmds = ["extend %s" % os.path.abspath(args.so),
            "vmap list > list.txt", "vmap list -v > info.txt",
            "vmap list -c > callers.txt", "vmap list -F > frag.txt",
            "vmap page %s > page.txt" % " ".join(
                "%x" % r["phys0"] for r in phys),
            "kmem -v > kmemv.txt", "vmap list -s > summary.txt",
            "help vmap > help.txt"]
    for name, addr, length, _ in reads:
        cmds.append("vmap read -r %s.bin %x %d > %s.txt" %
                    (name, addr, length, name))
    for i, rec in enumerate(ior):
        cmds.append("vmap read -r ior%d.bin %x %d > ior%d.txt" %
                    (i, rec["addr"], rec["size"], i))
    # whose stack: the driver listed every thread's task->stack
    tasks = parse_tasks(os.path.join(args.dump, "tasks.txt")
                        if os.path.exists(os.path.join(args.dump, "tasks.txt"))
                        else os.path.join(args.dump, "manifest.txt"))
    # stacks in vmalloc space (init_task's is in the kernel image)
    tasks = [t for t in tasks if in_vmalloc_space(t[2])]
    probe = tasks[:12] + [t for t in tasks if t[0] == 0][:2]
    for i, (pid, comm, stack) in enumerate(probe):
        cmds.append("vmap list %x > owner%d.txt" % (stack + 0x10, i))
    # whose module memory: the fixture module printed where its parts are
    mods = []
    mpath = os.path.join(args.dump, "modules.txt")
    for line in open(mpath) if os.path.exists(mpath) else []:
        f = dict(x.split("=", 1) for x in line.split()[2:])
        for sec, part in (("text", "text"), ("data", "data"),
                          ("rodata", "rodata"), ("bss", "data")):
            mods.append((f["name"], sec, part, int(f[sec], 16)))
    for i, (name, sec, part, addr) in enumerate(mods):
        cmds.append("vmap list %x > mod%d.txt" % (addr + 8, i))
    # ... and as crash's own `mod` sees it (full mode: the module's text
    # base and struct module); its line for our module is read after
    if mods and "--minimal" not in args.flags:
        cmds.append("mod > crashmod.txt")
    # ... and the stack owners against crash's own task table
    if "--minimal" not in args.flags:
        cmds.append("ps > crashps.txt")
    # vmap read against crash's rd, where rd can read
    vma = [r for r in man if r["kind"] == "vmalloc" and r["state"] == "used"]
    rd_addr = vma[0]["addr"] + 64
    cmds += ["vmap read %x 512 > vread.txt" % rd_addr,
             "rd -64 %x 64 > rd.txt" % rd_addr,
             "rd -p -64 %x 64 > rdp.txt" % (vma[0]["phys0"] + 64)]
    # bad arguments: one line each, and the session goes on
    bad = ["vmap read zzzz 16", "vmap read ffff888000000000 16",
           "vmap read %x 0" % rd_addr, "vmap read %x 99999999999" % rd_addr,
           "vmap list -t bogus", "vmap frob", "vmap read %x" % rd_addr,
           "vmap list -n 1023"]
    for i, cmd in enumerate(bad):
        cmds += [cmd, "vmap list -s > after%d.txt" % i]
    # what the read-ahead helper gave over all those walks
    cmds.append("vmap list -v > info_end.txt")

    log = run_crash(args, args.dump, cmds, out)
    p = lambda name: os.path.join(out, name)
    if args.used_flags is None:
        # crash died in its own start-up every time: nothing of vmap ran
        tail = "\n    ".join(log.strip().splitlines()[-3:])
        print("%s: NOT JUDGED: crash %s could not start on this dump "
              "(flags %r):\n    %s" % (label, args.crash, args.flags, tail))
        return 0 if args.allow_startup_failure else 1

    # 1. vmap list vs the guest's /proc/vmallocinfo
    rows = parse_list(p("list.txt")) if os.path.exists(p("list.txt")) else []
    check(rows, "vmap list printed no rows")
    by_start = {r["start"]: r for r in rows}
    starts = [r["start"] for r in rows]
    check(starts == sorted(starts), "vmap list not sorted by address")
    matched = 0
    for v in vmi:
        row = by_start.get(v["start"])
        # thread stacks, and the buffers of the very read that printed
        # /proc/vmallocinfo, may come or go between print and dump
        stack = v["caller"] and v["caller"].startswith(
            ("kernel_clone", "copy_process", "dup_task_struct",
             "seq_read_iter"))
        lazy = "unpurged" in " ".join(v["words"])
        if row is None:
            # a thread stack or lazy area may go between print and dump
            check(stack or lazy, "%s: missing %s" % (label, v["line"]))
            continue
        if row["kind"] == "lazy" and not lazy and stack:
            continue
        matched += 1
        check(row["end"] == v["end"] and row["size"] == v["size"],
              "%s: range/size differ: %s" % (label, v["line"]))
        check(row["kind"] in expected_kinds(v["words"]),
              "%s: type %s for %s" % (label, row["kind"], v["line"]))
        if v["caller"]:
            check(row["caller"] == v["caller"],
                  "%s: caller %s for %s" % (label, row["caller"], v["line"]))
    vstarts = {v["start"] for v in vmi}
    for row in rows:
        if row["start"] not in vstarts:
            check(row["kind"] in ("lazy", "vmalloc") and
                  (row["kind"] == "lazy" or
                   row["caller"].startswith("kernel_clone")),
                  "%s: extra row %x %s %s" % (label, row["start"],
                                             row["kind"], row["caller"]))

    cpus = guest_cpus(os.path.join(args.dump, "console.log"))
    has_nodes = bool(rows) and rows[0]["node"] is not None   # 6.9+
    # 2. a superset of crash's own kmem -v, where kmem -v works
    kmem = parse_kmem_v(p("kmemv.txt")) if os.path.exists(p("kmemv.txt")) \
        else []
    # crash's get_vmap_area_list_from_nodes() (6.9+) takes the head of an
    # empty per-node busy list for an area: a row of an empty range (its
    # "va_start" and "va_end" are the head's own pointers), one for each
    # node without busy areas, which a 128-node machine has (6.12-wide)
    headrows = [k for k in kmem if k[1] == k[2]]
    kmem = [k for k in kmem if k[1] != k[2]]
    if headrows:
        nodes = {r["node"] for r in rows if r["kind"] != "lazy"}
        check(has_nodes and cpus and
              len(headrows) == cpus["nodes"] - len(nodes),
              "%s: kmem -v has %d rows of empty ranges, not one for each "
              "vmap node without busy areas" % (label, len(headrows)))
        print("%s: crash's kmem -v lists %d empty-range rows: the heads of "
              "empty vmap node busy lists" % (label, len(headrows)))
    if kmem:
        by_va = {r["va"]: r for r in rows}
        for va, start, end in kmem:
            r = by_va.get(va)
            check(r and r["start"] == start and r["end"] == end,
                  "%s: kmem -v row %x missing" % (label, va))
        extra = {r["va"] for r in rows} - {k[0] for k in kmem}
        for va in extra:
            check(by_va[va]["kind"] in ("vm_map_ram", "vmap_block", "lazy"),
                  "%s: extra row %x is %s" % (label, va, by_va[va]["kind"]))
        for r in rows:
            if r["kind"] in ("vm_map_ram", "vmap_block"):
                check(r["va"] in extra,
                      "%s: kmem -v lists vm_map_ram %x" % (label, r["va"]))

    # 3. every driver area classified as what it is; vb regions page-exact
    want_kind = {"vmalloc": "vmalloc", "vmalloc_user": "vmalloc_user",
                 "vmap": "vmap", "vm_map_ram": "vm_map_ram",
                 "ioremap": "ioremap"}
    for rec in man:
        if rec["kind"] in want_kind:
            r = by_start.get(rec["addr"] & ~(PAGE - 1))
            check(r and r["kind"] == want_kind[rec["kind"]],
                  "%s: %s at %x shown as %s" % (
                      label, rec["kind"], rec["addr"], r and r["kind"]))
            if r and rec["kind"] in ("vmalloc", "vmalloc_user", "vmap"):
                check(r["size"] == rec["size"] + PAGE,
                      "%s: size of %x" % (label, rec["addr"]))
        elif rec["kind"] == "vmalloc_freed":
            r = by_start.get(rec["addr"])
            check(r is None or r["kind"] == "lazy",
                  "%s: freed area %x shown as %s" % (label, rec["addr"],
                                                     r and r["kind"]))
        elif rec["kind"] == "vb":
            blk = [r for r in rows if r["kind"] == "vmap_block" and
                   r["start"] <= rec["addr"] < r["end"]]
            if not check(len(blk) == 1, "%s: no vmap_block row holds %x" %
                         (label, rec["addr"])):
                continue
            state = "used" if rec["state"] == "used" else "dirty"
            for pg in range(rec["pages"]):
                a = rec["addr"] + pg * PAGE
                reg = [g for g in blk[0]["regions"] if g[0] <= a < g[1]]
                check(reg and reg[0][2] == state,
                      "%s: vb page %x is %s, driver says %s" % (
                          label, a, reg and reg[0][2], rec["state"]))
    blocks = [r for r in rows if r["kind"] == "vmap_block"]
    check(len(blocks) >= 2, "%s: fewer than 2 vmap_blocks" % label)
    # 6.9+: the driver's areas land in more than one vmap node
    if has_nodes:
        starts = {rec["addr"] for rec in man}
        nodes = {r["node"] for r in rows if r["start"] in starts}
        check(len(nodes) >= 2, "%s: driver areas in vmap nodes %s only" % (
            label, sorted(nodes)))
        # vmap list -s: per type over all nodes, as many as listed
        want = {}
        for r in rows:
            want[r["kind"]] = want.get(r["kind"], 0) + 1
        got = {m[1]: int(m[2]) for m in re.finditer(
            r"^ all  (\S+)\s+(\d+)\s+\d+$", readfile(p("summary.txt")),
            re.M)}
        check(got == want, "%s: vmap list -s per type over all nodes %s, "
              "vmap list has %s" % (label, got, want))
    info = readfile(p("info.txt"))
    derived = "used_map" not in info and "VMAP_BBMAP_BITS 0" in info
    # CPUs and vmap nodes as the guest's boot log counted them
    if cpus:
        got = re.search(r"nr_cpu_ids: (\d+)", info)
        check(got and int(got[1]) == cpus["nr_cpu_ids"],
              "%s: nr_cpu_ids %s, the guest's boot log says %d" % (
                  label, got and got[1], cpus["nr_cpu_ids"]))
        got = re.search(r"vmap nodes: (\d+) ", info)
        if has_nodes:
            check(got and int(got[1]) == cpus["nodes"],
                  "%s: %s vmap nodes, %d possible CPUs make %d" % (
                      label, got and got[1], cpus["possible"],
                      cpus["nodes"]))
    # QEMU's dumps are ELF: read directly from the file, unless the
    # session was told to read through crash (run.sh alternates)
    # ... and then, on two CPUs, a helper thread reads whole walks ahead
    # (run.sh's comparison of the pair holds it against no helper)
    ra = re.search(r"read-ahead: (.*)", info)
    if os.environ.get("VMAP_EXT_READMEM"):
        check("dump reads: crash (readmem)" in info and
              "direct read: VMAP_EXT_READMEM" in info,
              "%s: VMAP_EXT_READMEM not honoured: %r" % (label, info))
        want_ra = "off (the dump is not read directly)"
    else:
        check("dump reads: ELF vmcore, read directly" in info,
              "%s: the ELF dump is not read directly: %r" % (label, info))
        want_ra = ("off (one CPU)" if len(os.sched_getaffinity(0)) < 2
                   else "a helper thread in walks past 256 areas")
    check(ra and ra[1].startswith(want_ra),
          "%s: read-ahead %r, want %r" % (label, ra and ra[1], want_ra))
    # a workload dump's walks (thousands of areas) have the helper give
    # pages, all it reads under VMAP_EXT_READAHEAD=wait (run.sh); whether
    # they are the right ones, run.sh's comparison with the session of
    # the pair that reads through crash (no helper) says
    got = re.search(r"read-ahead: .*, (\d+) pages so far",
                    readfile(p("info_end.txt")))
    ra_pages = int(got[1]) if got else None
    if want_ra.startswith("a helper") and scale >= 1000 and \
            os.environ.get("VMAP_EXT_READAHEAD") == "wait":
        check(ra_pages, "%s: the read-ahead helper gave no page in the "
              "session's walks of %d areas" % (label, len(rows)))
    for b in blocks:
        check(b["block"] and (("derived" in b["block"]) == derived),
              "%s: block %x label %r" % (label, b["start"], b["block"]))

    # 4. vmap read: seeded patterns, zeros and reported holes
    for name, addr, length, want in reads:
        data = open(p(name + ".bin"), "rb").read() \
            if os.path.exists(p(name + ".bin")) else b""
        check(data == want, "%s: vmap read %s at %x (%d bytes) differs" % (
            label, name, addr, length))
        txt = readfile(p(name + ".txt"))
        if name.startswith(("freed", "cross")):
            check("hole of" in txt and "vb region dirty" in txt,
                  "%s: %s hole not reported: %r" % (label, name, txt))
    for i in range(len(ior)):
        txt = open(p("ior%d.txt" % i)).read()
        data = open(p("ior%d.bin" % i), "rb").read()
        check("ioremap" in txt and data == bytes(len(data)) and data,
              "%s: ioremap not a zero hole" % label)
    vread = [l.strip() for l in open(p("vread.txt"))] \
        if os.path.exists(p("vread.txt")) else []
    rd = [l.strip() for l in open(p("rd.txt"))] \
        if os.path.exists(p("rd.txt")) else []
    minimal = "--minimal" in args.used_flags
    if not minimal:
        check(vread and vread == rd, "%s: vmap read differs from rd" % label)
    # the guest's own physical address of the page, read with rd -p
    rdp = [l.strip() for l in open(p("rdp.txt"))] \
        if os.path.exists(p("rdp.txt")) else []
    strip = lambda lines: [l.split(":", 1)[1] for l in lines if ":" in l]
    check(vread and strip(vread) == strip(rdp),
          "%s: vmap read differs from rd -p of the guest's phys" % label)

    # 7. who holds vmalloc memory: per caller and type, vs the guest
    check_callers(label, vmi, p("callers.txt"),
                  os.path.join(args.dump, "meminfo.txt"),
                  ("kernel_clone", "copy_process", "dup_task_struct",
                   "fork_idle", "n_tty_open", "seq_read_iter"))

    # 8. reverse lookup: the guest's own physical address of each page
    hits = {}
    for line in open(p("page.txt")) if os.path.exists(p("page.txt")) \
            else []:
        f = line.split()
        if len(f) >= 5 and re.match(r"^[0-9a-f]+$", f[0]):
            hits.setdefault(int(f[0], 16), []).append(int(f[1], 16))
    for r in phys:
        check(hits.get(r["phys0"]) == [r["addr"]],
              "%s: vmap page %x gives %s, the driver mapped it at %x" % (
                  label, r["phys0"], hits.get(r["phys0"]), r["addr"]))

    # 9. the fragmentation picture fits 80 columns and counts the areas
    frag = readfile(p("frag.txt"))
    check(frag and max(len(l) for l in frag.splitlines()) <= 80,
          "%s: vmap list -F wider than 80 columns" % label)
    m = re.search(r"^all\s+\|.*\| (\d+) areas", frag, re.M)
    inside = [r for r in rows if in_vmalloc_space(r["start"])]
    check(m and int(m[1]) == len(inside),
          "%s: -F counts %s areas, list has %d" % (
              label, m and m[1], len(inside)))

    # 10. the owner of a kernel stack, as the driver saw it
    check(tasks, "%s: the fixture lists no task stacks" % label)
    for i, (pid, comm, stack) in enumerate(probe):
        txt = readfile(p("owner%d.txt" % i))
        want = "kernel stack of PID %d (%s)" % (pid, comm)
        check(want in txt, "%s: stack %x: want %r, got %r" % (
            label, stack, want, txt.strip().splitlines()[-1:]))

    # 11. the module whose text or data an address is, as it said itself
    for i, (name, sec, part, addr) in enumerate(mods):
        txt = readfile(p("mod%d.txt" % i))
        want = "%x: module %s %s (" % (addr + 8, name, part)
        check(want in txt, "%s: module %s %s at %x: want %r, got %r" % (
            label, name, sec, addr, want, txt.strip().splitlines()))

    # ... and crash's `mod`: its struct module and text base agree
    if os.path.exists(p("crashmod.txt")) and mods and \
            "--no_modules" not in args.used_flags:
        line = [l.split() for l in open(p("crashmod.txt"))
                if len(l.split()) >= 4 and l.split()[1] == mods[0][0]]
        check(line, "%s: crash's mod does not list %s" % (label, mods[0][0]))
        if line:
            struct_mod, base = int(line[0][0], 16), int(line[0][2], 16)
            txt = readfile(p("mod0.txt"))
            check(base == mods[0][3] and
                  "struct module %x)" % struct_mod in txt,
                  "%s: crash's mod says %s at %x (struct module %x), vmap "
                  "says %r" % (label, mods[0][0], base, struct_mod,
                               txt.strip().splitlines()[-2:]))

    # ... and crash's `ps` knows each of those tasks by that PID
    if os.path.exists(p("crashps.txt")):
        # (crash's task table can be partial: crash 8.0.2 lists only the
        # idle tasks of the 6.1 fixture; tasks it lacks are not judged)
        ps = {}
        for line in open(p("crashps.txt")):
            f = line.replace(">", " ").split()
            if len(f) >= 4 and f[0].isdigit() and \
               re.match(r"^[0-9a-f]{16}$", f[3]):
                ps[int(f[3], 16)] = int(f[0])
        for i in range(len(probe)):
            txt = readfile(p("owner%d.txt" % i))
            m = re.search(r"kernel stack of PID (\d+) \(.*\), task "
                          r"([0-9a-f]+)", txt)
            if m and int(m[2], 16) in ps:
                check(ps[int(m[2], 16)] == int(m[1]),
                      "%s: crash's ps has task %s as PID %d, vmap says "
                      "PID %s" % (label, m[2], ps[int(m[2], 16)], m[1]))

    # 6. bad arguments
    for i, cmd in enumerate(bad):
        ok = os.path.exists(p("after%d.txt" % i)) and \
            "total" in open(p("after%d.txt" % i)).read()
        check(ok, "%s: session unusable after %r" % (label, cmd))
    for msg in ("invalid address: zzzz", "outside vmalloc space",
                "length must be at least 1", "out of range",
                "unknown type: bogus", "unknown subcommand: frob"):
        check(msg in log, "%s: no error %r" % (label, msg))
    # -n of a node the kernel does not have: how many it has (6.9+:
    # as the boot log's CPUs make, where it says), or that it has none
    if not has_nodes:
        want = "-n 1023: this kernel has no vmap nodes"
    elif cpus:
        want = "-n 1023: this kernel has %d vmap nodes, 0-%d" % (
            cpus["nodes"], cpus["nodes"] - 1)
    else:
        want = "-n 1023: this kernel has "
    check(want in log, "%s: no error %r" % (label, want))

    # help vmap is docs/vmap.txt
    doc = os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                       "vmap.txt")
    if not minimal and os.path.exists(doc):
        check(open(doc).read().strip() == open(p("help.txt")).read().strip(),
              "%s: docs/vmap.txt differs from help vmap" % label)

    if args.save:
        os.makedirs(args.save, exist_ok=True)
        for name in os.listdir(out):
            if name in ("list.txt", "summary.txt") or \
               name.endswith(".bin"):
                shutil.copy(p(name), os.path.join(args.save, name))

    print("%s: %d checks, %d failed; %d vmallocinfo rows matched of %d, "
          "%d list rows, %d kmem -v rows, %d reads (crash -s %s%s; %s%s)" % (
              label, checks, len(failures), matched, len(vmi), len(rows),
              len(kmem), len(reads), args.used_flags,
              " with heapfix.so" if "heapfix" in crash_env(
                  args.crash, args.dump).get("LD_PRELOAD", "") else "",
              "dump read through crash" if os.environ.get(
                  "VMAP_EXT_READMEM") else
              "dump read directly, %s pages read ahead" % ra_pages,
              "; %d start-ups died and were retried" % args.retried
              if args.retried else ""))
    # crash's own kmem -v, where it fails (8.0.2 on 6.12): its error,
    # next to the rows vmap list matched on the same dump
    if "--minimal" not in args.used_flags and not kmem and \
       os.path.exists(p("kmemv.txt")):
        err = [l for l in open(p("kmemv.txt")) if l.startswith("kmem:")]
        print("%s: crash's kmem -v failed: %s" % (
            label, err[0].strip() if err else "no rows"))
    for f in failures[:40]:
        print("  FAIL " + f)
    if failures:
        print("  (session output in %s)" % out)
    elif not args.keep:
        subprocess.run(["rm", "-rf", out])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
