#!/usr/bin/python3
"""Corruption suite: damage one kernel structure of a real fixture dump at
its file offset, run vmap inside crash, and judge what happens.

For every case the vmcore is copied (sparse / reflink), ONE structure is
damaged at its real file offset (or the copy is truncated), and a crash
session runs, under a timeout:

    extend vmap_ext.so
    vmap list > list.txt
    vmap read -r read.bin <used vmalloc area> 4096 > read.txt
    vmap check > check.txt
    vmap list -c; vmap list -F; vmap page <that area's page>
    vmap list -s > after.txt          <- proves the session survived

A case passes when crash neither hung nor died (exit status 0 and the last
command still wrote its file), one of vmap's warning or error lines names
the damage (the damaged structure's address or the bad value), every area
the damage does not touch is still listed exactly as on the clean dump,
and the bytes read from an undamaged area are its seeded pattern.

Addresses come from the dump itself: symbols from the vmlinux (nm), member
offsets from its DWARF (gdb), kernel-virtual to physical through the
direct map / kernel-text arithmetic (nokaslr, phys_base checked) and a
4-level page-table walk, physical to file offset through the vmcore's ELF
program headers.  The clean session of each kernel and mode is the
baseline the damaged ones are compared with (and it must itself be clean).

Results: PASS; KNOWN (a known, reported vmap bug loses undamaged areas,
nothing else is wrong); FAIL; HANG; NO-START (crash itself cannot open the
damaged dump: not vmap's, not counted); n/a (the case needs another era).

usage: corrupt.py [--so SO] [--kernels 6.1,6.12] [--case NAME[,NAME]]
                  [--sweep N] [--timeout S] [--work DIR] [--keep]
                  [--fixture VERSION=DIR] [--crash CRASH] [--no-page]
"""
import argparse
import os
import random
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import check as e2e  # noqa: E402  (parse_list, parse_vmallocinfo, pattern)

DIRECT_MAP = 0xffff888000000000     # x86_64 page_offset_base, nokaslr
DIRECT_END = 0xffffc88000000000
KERNEL_MAP = 0xffffffff80000000     # __START_KERNEL_map
UNMAPPED = 0xffffc9dead000000       # deep in vmalloc space, no area there
PAGE = 4096
MAX_OUTPUT = 4 << 20                # bytes of a session's output files kept

# crash flags per kernel: 6.1 in full mode and in --minimal (own
# page-table walk); 6.12 only --minimal, which needs no module layout
# crash 8.0.2 predates (sessions run with e2e.crash_env(): heapfix.c
# where crash 8.0.2 would damage its heap)
MODES = {"6.1": ["", "--minimal"], "6.12": ["--minimal"]}


# ---- the dump file ----

class Dump:
    """An ELF vmcore from QEMU dump-guest-memory (paging=false): PT_LOAD
    segments are guest physical memory, p_paddr their address."""

    def __init__(self, path):
        self.path = path
        self.f = open(path, "rb")
        hdr = self.f.read(64)
        if hdr[:4] != b"\x7fELF" or hdr[4] != 2 or hdr[5] != 1:
            raise SystemExit("%s: not a little-endian ELF64 file" % path)
        phoff, = struct.unpack_from("<Q", hdr, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", hdr, 0x36)
        self.loads = []
        for i in range(phnum):
            self.f.seek(phoff + i * phentsize)
            (p_type, _flags, p_offset, _vaddr, p_paddr, p_filesz,
             _memsz, _align) = struct.unpack("<IIQQQQQQ", self.f.read(56))
            if p_type == 1:
                self.loads.append((p_paddr, p_filesz, p_offset))
        self.phys_base = 0
        self.pgd = None

    def phys_to_off(self, paddr, length=1):
        for base, size, off in self.loads:
            if base <= paddr and paddr + length <= base + size:
                return off + paddr - base
        return None

    def read_phys(self, paddr, length):
        off = self.phys_to_off(paddr, length)
        if off is None:
            raise KeyError("phys %x not in dump" % paddr)
        self.f.seek(off)
        return self.f.read(length)

    def virt_to_phys(self, vaddr):
        """Direct map and kernel image by arithmetic, the rest (vmalloc,
        per-CPU in vmalloc...) through the page tables."""
        if DIRECT_MAP <= vaddr < DIRECT_END:
            return vaddr - DIRECT_MAP
        if vaddr >= KERNEL_MAP:
            return vaddr - KERNEL_MAP + self.phys_base
        return self.translate(vaddr)

    def translate(self, vaddr):
        """4-level x86_64 walk from init_top_pgt; None if not mapped."""
        table = self.pgd
        for level in (4, 3, 2, 1):
            shift = 12 + 9 * (level - 1)
            try:
                entry, = struct.unpack("<Q", self.read_phys(
                    table + ((vaddr >> shift) & 511) * 8, 8))
            except KeyError:
                return None
            if not entry & 1:
                return None
            if level == 1 or (level in (2, 3) and entry & 0x80):
                mask = (1 << shift) - 1
                return (entry & 0x000ffffffffff000 & ~mask) | (vaddr & mask)
            table = entry & 0x000ffffffffff000
        return None

    def read(self, vaddr, length):
        paddr = self.virt_to_phys(vaddr)
        if paddr is None:
            raise KeyError("virt %x not mapped" % vaddr)
        return self.read_phys(paddr, length)

    def u64(self, vaddr):
        return struct.unpack("<Q", self.read(vaddr, 8))[0]

    def u32(self, vaddr):
        return struct.unpack("<I", self.read(vaddr, 4))[0]


# ---- what the vmlinux says ----

def symbols(vmlinux):
    out = subprocess.run(["nm", vmlinux], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms.setdefault(parts[2], int(parts[0], 16))
    return syms


# member offsets and sizes the cases need; absent ones are simply missing
LAYOUT_QUERIES = [
    ("va_sz", "sizeof(struct vmap_area)"),
    ("va_start", "(long)&((struct vmap_area *)0)->va_start"),
    ("va_end", "(long)&((struct vmap_area *)0)->va_end"),
    ("va_rb", "(long)&((struct vmap_area *)0)->rb_node"),
    ("va_list", "(long)&((struct vmap_area *)0)->list"),
    ("va_vm", "(long)&((struct vmap_area *)0)->vm"),
    ("va_flags", "(long)&((struct vmap_area *)0)->flags"),
    ("rb_right", "(long)&((struct rb_node *)0)->rb_right"),
    ("rb_left", "(long)&((struct rb_node *)0)->rb_left"),
    ("vb_va", "(long)&((struct vmap_block *)0)->va"),
    ("vb_free", "(long)&((struct vmap_block *)0)->free"),
    ("vb_dirty", "(long)&((struct vmap_block *)0)->dirty"),
    ("vb_used_map", "(long)&((struct vmap_block *)0)->used_map"),
    ("vb_used_map_sz", "sizeof(((struct vmap_block *)0)->used_map)"),
    ("vbq_xa", "(long)&((struct vmap_block_queue *)0)->vmap_blocks"),
    ("xa_head", "(long)&((struct xarray *)0)->xa_head"),
    ("vn_sz", "sizeof(struct vmap_node)"),
    ("vn_busy", "(long)&((struct vmap_node *)0)->busy"),
    ("vn_lazy", "(long)&((struct vmap_node *)0)->lazy"),
    ("vn_purge", "(long)&((struct vmap_node *)0)->purge_list"),
    ("rbl_root", "(long)&((struct rb_list *)0)->root"),
    ("rbl_head", "(long)&((struct rb_list *)0)->head"),
]


def layout(vmlinux, cache):
    path = os.path.join(cache, "layout.txt")
    if not os.path.exists(path):
        argv = ["gdb", "-batch", "-nx"]
        for key, expr in LAYOUT_QUERIES:
            argv += ["-ex", "echo %s=" % key, "-ex", "print %s" % expr]
        out = subprocess.run(argv + [vmlinux], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT).stdout.decode()
        with open(path, "w") as f:
            f.write(out)
    lay = {}
    for line in open(path):
        m = re.match(r"^(\w+)=\$\d+ = (\d+)$", line.strip())
        if m:
            lay[m[1]] = int(m[2])
    for key in ("va_start", "va_end", "va_list", "va_vm", "xa_head"):
        if key not in lay:
            raise SystemExit("no %s in %s's DWARF (gdb said: %s)" %
                             (key, vmlinux, open(path).read()[-300:]))
    return lay


# ---- a kernel's clean state ----

class Kernel:
    """Symbols, layouts, the kernel's lists as the clean dump holds them,
    and the clean vmap output per crash mode."""

    def __init__(self, version, ddir, args):
        self.version, self.dir, self.args = version, ddir, args
        self.vmlinux = os.path.join(ddir, "vmlinux")
        self.vmcore = os.path.join(ddir, "vmcore")
        self.cache = os.path.join(args.work, "kernel-" + version)
        os.makedirs(self.cache, exist_ok=True)
        self.sym = symbols(self.vmlinux)
        self.lay = layout(self.vmlinux, self.cache)
        self.dump = Dump(self.vmcore)
        d = self.dump
        # nokaslr: the kernel image at __START_KERNEL_map + phys_base;
        # phys_base is itself in the image, so check the guess
        d.phys_base = 0
        d.phys_base = d.u64(self.sym["phys_base"])
        banner = d.read(self.sym["linux_banner"], 14)
        if banner != b"Linux version ":
            raise SystemExit("%s: linux_banner not found through the "
                             "direct-map arithmetic (KASLR?)" % ddir)
        d.pgd = d.virt_to_phys(self.sym["init_top_pgt"])
        self.nodes_era = "vmap_nodes" in self.sym
        self.vmi = e2e.parse_vmallocinfo(os.path.join(ddir,
                                                      "vmallocinfo.txt"))
        self.man = e2e.parse_manifest(os.path.join(ddir, "manifest.txt"))
        self.nr_cpus = d.u32(self.sym["nr_cpu_ids"])
        self.cpu_off = [d.u64(self.sym["__per_cpu_offset"] + 8 * c)
                        for c in range(self.nr_cpus)]
        self.lists = self.read_lists()
        self.clean = {}

    # the kernel's busy / lazy lists, read with our own reader
    def read_lists(self):
        d, L = self.dump, self.lay
        lists = []
        if self.nodes_era:
            nodes = d.u64(self.sym["vmap_nodes"])
            nr = d.u32(self.sym["nr_vmap_nodes"])
            for i in range(nr):
                vn = nodes + i * L["vn_sz"]
                for state, off in (("busy", L["vn_busy"]),
                                   ("lazy", L["vn_lazy"])):
                    lists.append(dict(
                        name="vmap_nodes[%d].%s" % (i, state), node=i,
                        state=state, head=vn + off + L["rbl_head"],
                        root=vn + off + L["rbl_root"]))
        else:
            lists.append(dict(name="vmap_area_list", node=-1, state="busy",
                              head=self.sym["vmap_area_list"],
                              root=self.sym.get("vmap_area_root")))
            lists.append(dict(name="purge_vmap_area_list", node=-1,
                              state="lazy",
                              head=self.sym["purge_vmap_area_list"],
                              root=self.sym.get("purge_vmap_area_root")))
        for lst in lists:
            vas, link = [], d.u64(lst["head"])
            while link != lst["head"] and len(vas) < 100000:
                va = link - L["va_list"]
                vas.append(dict(va=va, start=d.u64(va + L["va_start"]),
                                end=d.u64(va + L["va_end"]),
                                vm=d.u64(va + L["va_vm"])))
                link = d.u64(link)
            lst["vas"] = vas
        return lists

    def busy_list(self):
        """The busy list with the most areas (the interesting one)."""
        busy = [l for l in self.lists if l["state"] == "busy"]
        return max(busy, key=lambda l: len(l["vas"]))

    def per_cpu(self, symname, cpu):
        # 64-bit wrap: since 7.x per-CPU symbols are kernel addresses, not
        # offsets from 0
        return (self.sym[symname] + self.cpu_off[cpu]) & (1 << 64) - 1


# ---- damage ----

class Damage:
    def __init__(self, what, expect, writes=(), truncate=None, lost=(),
                 changed=(), extra_ok=False, named=True, known=None):
        self.what = what            # one line: what was damaged where
        self.expect = [("%x" % a) if isinstance(a, int) else a
                       for a in expect]  # any of these in a message
        self.writes = list(writes)  # (kernel vaddr, bytes)
        self.truncate = truncate    # physical address to cut the file at
        self.lost = set(lost)       # area starts allowed to disappear
        self.changed = set(changed)  # area starts allowed to change type
        self.extra_ok = extra_ok    # rows made of garbage may appear
        self.named = named          # must a message name the damage?
        # (text, starts): a known vmap bug loses these undamaged areas
        # here.  Losing only them is reported as KNOWN, not failed (hangs,
        # crashes, silence and any other loss still fail); PASS once fixed
        self.known, self.known_lost = known or ("", set())


def q(val):
    return struct.pack("<Q", val & (1 << 64) - 1)


def pick_victim(k, lst, skip=0):
    """An area in the middle of LST that is an undamaged vmalloc area
    (its successor too), so the damage is in the list proper."""
    vas = lst["vas"]
    kinds = {r["start"]: r["kind"] for r in k.clean_rows()}
    for i in range(len(vas) // 2 + skip, len(vas) - 2):
        if kinds.get(vas[i]["start"]) == "vmalloc" and \
           kinds.get(vas[i + 1]["start"]) == "vmalloc":
            return i
    raise SystemExit("%s: no vmalloc victim in %s" % (k.version,
                                                      lst["name"]))


def after(lst, i):
    return [v["start"] for v in lst["vas"][i + 1:]]


def case_self_loop(k):
    lst = k.busy_list()
    i = pick_victim(k, lst)
    va = lst["vas"][i]["va"]
    link = va + k.lay["va_list"]
    return Damage("%s: vmap_area %x list.next -> itself" % (lst["name"], va),
                  [va, link], writes=[(link, q(link))])


def case_unmapped(k):
    lst = k.busy_list()
    i = pick_victim(k, lst)
    va = lst["vas"][i]["va"]
    assert k.dump.translate(UNMAPPED) is None
    return Damage("%s: vmap_area %x list.next -> %x (unmapped vmalloc "
                  "space)" % (lst["name"], va, UNMAPPED),
                  [UNMAPPED, UNMAPPED - k.lay["va_list"], va],
                  writes=[(va + k.lay["va_list"], q(UNMAPPED))])


def case_random(k, seed=1):
    lst = k.busy_list()
    i = pick_victim(k, lst)
    va = lst["vas"][i]["va"]
    rng = random.Random("%s-%d" % (k.version, seed))
    known = {v["va"] for l in k.lists for v in l["vas"]}
    ram = sum(size for base, size, _ in k.dump.loads if base == 0)
    while True:
        target = DIRECT_MAP + rng.randrange(0x100000, ram) // 8 * 8
        if target - k.lay["va_list"] not in known:
            break
    return Damage("%s: vmap_area %x list.next -> %x (random direct-map "
                  "address, seed %d)" % (lst["name"], va, target, seed),
                  [target, target - k.lay["va_list"], va],
                  writes=[(va + k.lay["va_list"], q(target))],
                  extra_ok=True)


def case_truncated_list(k):
    lst = k.busy_list()
    i = pick_victim(k, lst)
    va = lst["vas"][i]["va"]
    nxt = lst["vas"][i + 1]["va"]
    # a list cut short is a valid list: only the rb-tree can tell, and
    # the walk asks it at every list's end: nothing may be lost
    return Damage("%s: vmap_area %x list.next -> list head %x (%d areas "
                  "cut off)" % (lst["name"], va, lst["head"],
                                len(lst["vas"]) - i - 1),
                  [nxt, va, lst["head"]],
                  writes=[(va + k.lay["va_list"], q(lst["head"]))])


def case_swapped(k):
    lst = k.busy_list()
    i = pick_victim(k, lst)
    L = k.lay["va_list"]
    prev = lst["vas"][i - 1]["va"] + L if i else lst["head"]
    a, b = lst["vas"][i]["va"] + L, lst["vas"][i + 1]["va"] + L
    c = lst["vas"][i + 2]["va"] + L if i + 2 < len(lst["vas"]) \
        else lst["head"]
    # prev -> b -> a -> c, prev pointers to match: a consistent list
    # in the wrong order
    writes = [(prev, q(b)), (b, q(a)), (b + 8, q(prev)), (a, q(c)),
              (a + 8, q(b)), (c + 8, q(a))]
    # the walk looks one entry ahead: nothing may be lost
    return Damage("%s: vmap_areas %x and %x swapped in the list" % (
        lst["name"], a - L, b - L), [a - L, b - L], writes=writes)


def case_va_end(k):
    lst = k.busy_list()
    i = pick_victim(k, lst)
    v = lst["vas"][i]
    bad = v["start"] - PAGE
    return Damage("vmap_area %x: va_end %x -> %x (below va_start)" % (
        v["va"], v["end"], bad), [v["va"]],
        writes=[(v["va"] + k.lay["va_end"], q(bad))], lost=[v["start"]])


def case_va_end_huge(k):
    lst = k.busy_list()
    i = pick_victim(k, lst)
    v = lst["vas"][i]
    bad = v["start"] + (1 << 39)        # 512 GiB, still in vmalloc space
    return Damage("vmap_area %x: va_end %x -> %x (a 512 GiB area)" % (
        v["va"], v["end"], bad), [v["va"]],
        writes=[(v["va"] + k.lay["va_end"], q(bad))], lost=[v["start"]])


def case_loop_inverted(k):
    """One vmap_area: list.next -> itself and va_end below va_start.  An
    entry skipped for its range does not move prev_start, so the walk
    met it again and again, up to max_areas (2^30) (fixed in 36bc797)."""
    lst = k.busy_list()
    i = pick_victim(k, lst)
    v = lst["vas"][i]
    link = v["va"] + k.lay["va_list"]
    return Damage("%s: vmap_area %x list.next -> itself, va_end %x -> %x" %
                  (lst["name"], v["va"], v["end"], v["start"] - PAGE),
                  [v["va"]], writes=[(link, q(link)),
                                     (v["va"] + k.lay["va_end"],
                                      q(v["start"] - PAGE))],
                  lost=[v["start"]])


def case_ptr_to_empty_list(k):
    """One pointer: a node's busy list head -> an empty list_head of
    another vmap_node (next == itself).  The 'vmap_area' around it has
    va_end <= va_start and its list.next points to itself: the walk went
    round it up to max_areas (fixed in 36bc797)."""
    if not k.nodes_era or "vn_purge" not in k.lay:
        return None
    d, L = k.dump, k.lay
    nodes = d.u64(k.sym["vmap_nodes"])
    lst = k.busy_list()
    for i in range(d.u32(k.sym["nr_vmap_nodes"])):
        for off in (L["vn_purge"], L["vn_lazy"] + L["rbl_head"]):
            x = nodes + i * L["vn_sz"] + off
            va = x - L["va_list"]
            if x != lst["head"] and d.u64(x) == x and \
               d.u64(va + L["va_end"]) <= d.u64(va + L["va_start"]):
                return Damage(
                    "%s: head.next -> %x, an empty list_head in "
                    "vmap_nodes[%d]" % (lst["name"], x, i), [va, x],
                    writes=[(lst["head"], q(x))])
    return None


def case_near_null(k):
    """list.next = offsetof(struct vmap_area, list): the vmap_area it
    leads to is at address 0 (container_of(NULL)), which the walk took for
    the end of the list, forever (fixed in 36bc797)."""
    lst = k.busy_list()
    i = pick_victim(k, lst)
    va = lst["vas"][i]["va"]
    bad = k.lay["va_list"]
    return Damage("%s: vmap_area %x list.next -> %#x (container_of: "
                  "vmap_area 0)" % (lst["name"], va, bad), [va, "%x" % bad],
                  writes=[(va + k.lay["va_list"], q(bad))])


def case_nr_nodes(k):
    if not k.nodes_era:
        return None
    addr = k.sym["nr_vmap_nodes"]
    # vmap_nodes[] itself is intact: every node is still reachable
    # (vmap_init_nodes(): nr_vmap_nodes = clamp(num_possible_cpus(), 1, 128))
    return Damage("nr_vmap_nodes %d -> 0x7fffffff" % k.dump.u32(addr),
                  [addr, "nr_vmap_nodes"],
                  writes=[(addr, struct.pack("<I", 0x7fffffff))])


def blocks(k):
    """(va, vb, start) of every vmap_block area of the clean dump."""
    out = []
    for r in k.clean_rows():
        if r["kind"] == "vmap_block" and r["block"]:
            m = re.search(r"VMAP_BLOCK ([0-9a-f]+)", r["block_line"])
            out.append((r["va"], int(m[1], 16), r["start"]))
    return out


def case_used_map(k):
    if "vb_used_map" not in k.lay:
        return None
    va, vb, start = blocks(k)[0]
    n = k.lay["vb_used_map_sz"]
    return Damage("vmap_block %x (area %x): used_map all ones (%d bits)" % (
        vb, start, n * 8), [vb], writes=[(vb + k.lay["vb_used_map"],
                                          b"\xff" * n)], changed=[start])


def case_vb_va(k):
    va, vb, start = blocks(k)[0]
    lst = k.busy_list()
    other = lst["vas"][pick_victim(k, lst)]["va"]
    return Damage("vmap_block %x (area %x): va %x -> %x (a vmalloc area)" %
                  (vb, start, va, other), [vb, va],
                  writes=[(vb + k.lay["vb_va"], q(other))], changed=[start])


def case_truncated_dump(k):
    """The file ends inside CPU 2's vmap_block_queue (per-CPU area, top of
    RAM): every structure vmap needs above that point is gone.  Kernel
    image and slab objects sit lower, so crash still starts."""
    cpu = min(2, k.nr_cpus - 1)
    vbq = k.per_cpu("vmap_block_queue", cpu)
    if "vbq_xa" in k.lay:
        cut_at = vbq + k.lay["vbq_xa"] + k.lay["xa_head"] + 4
        # the blocks hashed to CPUs whose queue is past the cut
        cut = k.dump.virt_to_phys(cut_at)
        lost_cpus = [c for c in range(k.nr_cpus)
                     if k.dump.virt_to_phys(
                         k.per_cpu("vmap_block_queue", c) + k.lay["vbq_xa"] +
                         k.lay["xa_head"]) + 8 > cut]
        # a block sits in the xarray of the CPU its address hashes to
        # (addr_to_vb_xa(): (addr / VMAP_BLOCK_SIZE) % nr_cpu_ids, all
        # CPUs possible here), not in that of vb->cpu
        bs = k.lay["vb_used_map_sz"] * 8 * PAGE
        gone = [b for b in blocks(k) if (b[2] // bs) % k.nr_cpus in lost_cpus]
        expect = [va for va, _, _ in gone] + ["CPU %d's vmap_blocks" % c
                                              for c in lost_cpus]
        changed = [start for _, _, start in gone]
        named = True
    else:
        # <= 6.3: one global vmap_blocks xarray in the image; nothing of
        # vmap lives that high.  A control: nothing may change.
        cut_at, expect, changed, named = vbq + 4, [], [], False
    paddr = k.dump.virt_to_phys(cut_at)
    return Damage("dump truncated at phys %x (file offset %x), inside CPU "
                  "%d's vmap_block_queue %x" % (
                      paddr, k.dump.phys_to_off(paddr), cpu, vbq),
                  expect, truncate=paddr, changed=changed, named=named)


# extra cases: the same kinds of damage on other structures

def case_lazy_loop(k):
    lazy = [l for l in k.lists if l["state"] == "lazy" and len(l["vas"]) >= 2]
    if not lazy:
        return None
    lst = lazy[0]
    va = lst["vas"][1]["va"]
    link = va + k.lay["va_list"]
    return Damage("%s: vmap_area %x list.next -> first entry" % (
        lst["name"], va), [lst["vas"][0]["va"], va],
        writes=[(link, q(lst["vas"][0]["va"] + k.lay["va_list"]))])


def case_vm_unmapped(k):
    lst = k.busy_list()
    v = lst["vas"][pick_victim(k, lst)]
    return Damage("vmap_area %x: vm %x -> %x (unmapped)" % (
        v["va"], v["vm"], UNMAPPED), [UNMAPPED, v["va"]],
        writes=[(v["va"] + k.lay["va_vm"], q(UNMAPPED))], changed=[v["start"]])


def case_tree_loop(k):
    lst = k.busy_list()
    root = lst.get("root")
    if not root:
        return None
    top = k.dump.u64(root)
    # the root's left child points back at the root
    return Damage("%s rb-tree: rb_node %x rb_left -> itself" % (
        lst["name"], top), ["%x" % top, "%x" % (top - k.lay["va_rb"]),
                            "rb-tree"],
        writes=[(top + k.lay["rb_left"], q(top))])


def case_nodes_ptr(k):
    if not k.nodes_era:
        return None
    addr = k.sym["vmap_nodes"]
    lost = [v["start"] for l in k.lists for v in l["vas"]]
    return Damage("vmap_nodes %x -> %x (unmapped)" % (k.dump.u64(addr),
                                                      UNMAPPED),
                  # the node list heads are named, at the bad base
                  ["%x" % (UNMAPPED >> 16)],
                  writes=[(addr, q(UNMAPPED))], lost=lost)


CASES = [
    ("self-loop", case_self_loop),
    ("unmapped-ptr", case_unmapped),
    ("random-ptr", case_random),
    ("truncated-list", case_truncated_list),
    ("swapped", case_swapped),
    ("huge-nr-nodes", case_nr_nodes),
    ("all-ones-used-map", case_used_map),
    ("va-end-below-start", case_va_end),
    ("va-end-huge", case_va_end_huge),
    ("loop-inverted", case_loop_inverted),
    ("ptr-to-empty-list", case_ptr_to_empty_list),
    ("near-null-ptr", case_near_null),
    ("vb-wrong-va", case_vb_va),
    ("truncated-dump", case_truncated_dump),
    ("lazy-loop", case_lazy_loop),
    ("vm-unmapped", case_vm_unmapped),
    ("rb-tree-loop", case_tree_loop),
    ("nodes-ptr-unmapped", case_nodes_ptr),
]


def sweep_case(k, n):
    """Random single-field damage of a random area: only survival and the
    undamaged rows are judged (the value may be harmless)."""
    rng = random.Random("sweep-%s-%d" % (k.version, n))
    lst = rng.choice([l for l in k.lists if l["vas"]])
    v = rng.choice(lst["vas"])
    fields = [("va_start", 8), ("va_end", 8), ("va_list", 8),
              ("va_list+8", 8), ("va_vm", 8), ("va_rb+8", 8),
              ("va_rb+16", 8)]
    if "va_flags" in k.lay:
        fields.append(("va_flags", 8))
    name, size = rng.choice(fields)
    base, _, plus = name.partition("+")
    off = k.lay[base] + (int(plus) if plus else 0)
    val = rng.choice([0, (1 << 64) - 1, UNMAPPED, v["va"],
                      rng.getrandbits(64),
                      DIRECT_MAP + rng.randrange(0, 1 << 29) // 8 * 8,
                      v["start"] + rng.randrange(-4, 5) * PAGE])
    # rows whose own struct was hit, or that a broken list may hide
    return Damage("sweep %d: vmap_area %x %s -> %x" % (n, v["va"], name,
                                                       val & (1 << 64) - 1),
                  [v["va"], "%x" % (val & (1 << 64) - 1)],
                  writes=[(v["va"] + off, q(val))], lost=[v["start"]],
                  extra_ok=True, named=False)


# ---- running crash ----

def crash_session(args, k, mode, vmcore, out, cmds):
    with open(os.path.join(out, "cmds"), "w") as f:
        f.write("\n".join(cmds + ["exit"]) + "\n")
    argv = [args.crash, "-s"] + shlex.split(mode) + [
        k.vmlinux, vmcore, "-i", os.path.join(out, "cmds")]
    t0 = time.time()
    logf = os.path.join(out, "session.log")
    with open(logf, "wb") as f:
        try:
            rc = subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=out,
                                env=e2e.crash_env(args.crash,
                                                  os.path.dirname(k.vmlinux)),
                                timeout=args.timeout).returncode
        except subprocess.TimeoutExpired:
            rc = None
    # a runaway session may have written gigabytes: keep the head
    for name in os.listdir(out):
        path = os.path.join(out, name)
        if name != "vmcore" and os.path.getsize(path) > MAX_OUTPUT:
            with open(path, "r+b") as f:
                f.truncate(MAX_OUTPUT)
                f.seek(0, 2)
                f.write(b"\n[corrupt.py: cut at %d bytes]\n" % MAX_OUTPUT)
    with open(logf, "rb") as f:
        log = f.read().decode(errors="replace")
    return rc, log, time.time() - t0


def slurp(out, name):
    path = os.path.join(out, name)
    return open(path, errors="replace").read() if os.path.exists(path) else ""


def messages(out, log):
    """vmap's warning and error lines: "vmap: ..." from crash's error(),
    the indented report lines of vmap check."""
    msgs = []
    for line in log.splitlines():
        if line.startswith("vmap: "):
            msgs.append(line[6:].strip())
    for line in slurp(out, "check.txt").splitlines():
        if line.startswith("  "):
            msgs.append(line.strip())
    seen, uniq = set(), []
    for m in msgs:
        if m not in seen:
            seen.add(m)
            uniq.append(m)
    return uniq


def parse_rows(out, name):
    """check.py's parser, plus the VMAP_BLOCK header line of each block."""
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    rows = e2e.parse_list(path)
    cur = None
    by_start = {r["start"]: r for r in rows}
    for line in open(path, errors="replace"):
        m = e2e.ROW_RE.match(line)
        if m:
            cur = by_start.get(int(m[4], 16))
        elif cur is not None and "VMAP_BLOCK" in line:
            cur["block_line"] = line.strip()
    for r in rows:
        r.setdefault("block_line", "")
    return rows


def read_target(k, dmg, victim_starts):
    for rec in k.man:
        if rec["kind"] == "vmalloc" and rec["state"] == "used" and \
           rec["size"] >= PAGE and rec["addr"] not in dmg.lost and \
           rec["addr"] not in dmg.changed and \
           rec["addr"] not in dmg.known_lost and \
           rec["addr"] not in victim_starts:
            return rec
    return None


def run_case(args, k, mode, label, dmg, results):
    out = tempfile.mkdtemp(prefix="vx-corrupt-", dir=args.work)
    vmcore = os.path.join(out, "vmcore")
    mode_name = mode or "full"
    res = dict(case=label, kernel=k.version, mode=mode_name, what=dmg.what,
               result="FAIL", seen="", notes=[])
    results.append(res)
    try:
        # the damaged copy: sparse (and reflinked where the fs can)
        subprocess.run(["cp", "--reflink=auto", "--sparse=always",
                        k.vmcore, vmcore], check=True)
        with open(vmcore, "r+b") as f:
            for vaddr, data in dmg.writes:
                paddr = k.dump.virt_to_phys(vaddr)
                off = k.dump.phys_to_off(paddr, len(data))
                if off is None:
                    raise SystemExit("%s: %x (phys %s) not in the dump" % (
                        label, vaddr, paddr))
                f.seek(off)
                f.write(data)
            if dmg.truncate is not None:
                f.truncate(k.dump.phys_to_off(dmg.truncate))
        victims = {s for s in dmg.lost | dmg.changed}
        victims |= {v["start"] for l in k.lists for v in l["vas"]
                    for a, _ in dmg.writes
                    if v["va"] <= a < v["va"] + k.lay["va_sz"]}
        rec = read_target(k, dmg, victims)
        cmds = ["extend %s" % args.so, "vmap list > list.txt"]
        if rec:
            cmds.append("vmap read -r read.bin %x %d > read.txt" %
                        (rec["addr"], PAGE))
        cmds += ["vmap check > check.txt"]
        # the other subcommands walk the same damaged bookkeeping
        extra = [("callers", "vmap list -c > callers.txt"),
                 ("fragmentation", "vmap list -F > frag.txt")]
        if rec and args.page:
            extra.append(("page", "vmap page %x > page.txt" % rec["phys0"]))
        cmds += [cmd for _, cmd in extra]
        cmds += ["vmap list -s > after.txt"]
        rc, log, secs = crash_session(args, k, mode, vmcore, out, cmds)
        res["secs"] = secs
        os.unlink(vmcore)
        judge(k, mode, dmg, rec, out, rc, log, res)
    finally:
        if os.path.exists(vmcore):
            os.unlink(vmcore)
        if res["result"] in ("PASS", "KNOWN", "NO-START") and not args.keep:
            shutil.rmtree(out, ignore_errors=True)
        else:
            res["notes"].append("session in %s" % out)
    return res


def judge(k, mode, dmg, rec, out, rc, log, res):
    notes = res["notes"]
    if rc is None:
        res["result"] = "HANG"
        notes.append("no exit after %ds" % k.args.timeout)
        return
    if "shared object loaded" not in log:
        # crash itself could not open the damaged dump: vmap never ran
        res["result"] = "NO-START" if dmg.truncate is not None else "FAIL"
        notes.append("crash did not get to load vmap_ext: " +
                     " | ".join(log.strip().splitlines()[-2:]))
        return
    ok = True
    if rc != 0:
        ok = False
        notes.append("crash exited with %d" % rc)
    # (sanitizer reports are tests/fuzz/asan-e2e.sh's to judge)
    for bad in ("Segmentation fault", "core dumped"):
        if bad in log:
            ok = False
            notes.append("session log has %r" % bad)
    if "total" not in slurp(out, "after.txt"):
        ok = False
        notes.append("the command after the vmap commands did not run")
    msgs = messages(out, log)
    hits = [m for m in msgs if any(e in m for e in dmg.expect)]
    res["seen"] = hits[0] if hits else (msgs[0] if msgs else "")
    res["nr_msgs"] = len(msgs)
    if dmg.named and not hits:
        ok = False
        notes.append("no message names the damage (%s); messages: %s" % (
            ", ".join(dmg.expect), msgs[:5]))
    # rows: every area the damage does not touch, exactly as when clean
    rows = parse_rows(out, "list.txt")
    clean = k.clean_rows(mode)
    got = {r["start"]: r for r in rows}
    missing, differ, known = [], [], []
    for c in clean:
        r = got.get(c["start"])
        if c["start"] in dmg.lost:
            continue
        if r is None and c["start"] in dmg.known_lost:
            known.append(c)
        elif r is None:
            missing.append(c)
        elif r["end"] != c["end"] or r["va"] != c["va"] or (
                c["start"] not in dmg.changed and
                (r["kind"] != c["kind"] or r["pages"] != c["pages"])):
            differ.append((c, r))
    extra = [r for r in rows if r["start"] not in {c["start"] for c in clean}]
    res["rows"] = "%d/%d" % (len(rows), len(clean))
    vmi_kept = sum(1 for v in k.vmi
                   if v["start"] in got and got[v["start"]]["end"] == v["end"])
    res["vmi"] = "%d/%d" % (vmi_kept, len(k.vmi))
    if known:
        notes.append("known vmap bug: %s (%d areas)" % (dmg.known,
                                                         len(known)))
    if missing:
        ok = False
        notes.append("%d undamaged areas missing, e.g. %x (%s)" % (
            len(missing), missing[0]["start"], missing[0]["kind"]))
    if differ:
        ok = False
        c, r = differ[0]
        notes.append("%d undamaged areas differ, e.g. %x: %s %s -> %s %s" % (
            len(differ), c["start"], c["kind"], c["pages"], r["kind"],
            r["pages"]))
    if extra and not dmg.extra_ok:
        ok = False
        notes.append("%d rows not on the clean dump, e.g. %x-%x %s" % (
            len(extra), extra[0]["start"], extra[0]["end"], extra[0]["kind"]))
    elif extra:
        notes.append("%d garbage rows (allowed here)" % len(extra))
    if rec:
        data = open(os.path.join(out, "read.bin"), "rb").read() \
            if os.path.exists(os.path.join(out, "read.bin")) else b""
        if data != e2e.pattern(rec["seed"], 0, PAGE):
            ok = False
            notes.append("vmap read %x 4096: not the area's pattern (%s)" % (
                rec["addr"], slurp(out, "read.txt").strip()[:200]))
    if "vmap check:" not in slurp(out, "check.txt"):
        ok = False
        notes.append("vmap check printed no summary")
    if not ok:
        res["result"] = "FAIL"
    elif known:
        res["result"] = "KNOWN"
    else:
        res["result"] = "PASS"
        if dmg.known:
            notes.insert(0, "known issue no longer seen, update corrupt.py: "
                         + dmg.known)


# ---- the clean baseline ----

def baseline(args, k, mode):
    out = os.path.join(args.work, "clean-%s-%s" % (
        k.version, (mode or "full").strip("-")))
    os.makedirs(out, exist_ok=True)
    rc, log, _ = crash_session(args, k, mode, k.vmcore, out, [
        "extend %s" % args.so, "vmap list > list.txt",
        "vmap check > check.txt", "vmap list -s > after.txt"])
    if rc != 0 or "shared object loaded" not in log:
        raise SystemExit("%s %s: clean session failed (rc %s):\n%s" % (
            k.version, mode or "full", rc, log[-2000:]))
    msgs = messages(out, log)
    if msgs or "clean" not in slurp(out, "check.txt"):
        raise SystemExit("%s %s: the clean dump is not clean: %s" % (
            k.version, mode or "full", msgs[:5]))
    rows = parse_rows(out, "list.txt")
    if len(rows) < 20:
        raise SystemExit("%s: clean vmap list has %d rows" % (k.version,
                                                               len(rows)))
    return rows


def attach_baselines(args, k):
    for mode in MODES.get(k.version, ["--minimal"]):
        k.clean[mode] = baseline(args, k, mode)
    first = next(iter(k.clean))
    k.clean_rows = lambda mode=first: k.clean[mode]
    k.block_line = lambda start: next(r["block_line"] for r in k.clean[first]
                                      if r["start"] == start)
    # our reader and vmap agree on the clean dump
    listed = {r["va"] for r in k.clean[first]}
    read = {v["va"] for l in k.lists for v in l["vas"]}
    if listed != read:
        raise SystemExit("%s: vmap list and the file reader disagree: %d "
                         "vs %d areas" % (k.version, len(listed), len(read)))


# ---- main ----

def fixture(version):
    res = subprocess.run([os.path.join(ROOT, "tests", "e2e", "mkfixture.sh"),
                          version], stdout=subprocess.PIPE, check=True)
    return res.stdout.decode().strip().splitlines()[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--so", default=os.path.join(ROOT, "vmap_ext.so"))
    ap.add_argument("--crash", default="/usr/bin/crash")
    ap.add_argument("--kernels", default="6.1,6.12")
    ap.add_argument("--fixture", action="append", default=[],
                    metavar="VERSION=DIR", help="use this dump directory "
                    "instead of asking tests/e2e/mkfixture.sh")
    ap.add_argument("--case", default="",
                    help="only these cases (comma-separated names)")
    ap.add_argument("--sweep", type=int, default=0,
                    help="also N random single-field damages per kernel "
                    "and mode")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--work", default="")
    ap.add_argument("--no-page", dest="page", action="store_false",
                    help="do not run vmap page (crash without is_page_ptr)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the session directories of passing cases")
    args = ap.parse_args()
    args.so = os.path.abspath(args.so)
    if not os.path.exists(args.so):
        raise SystemExit("%s not built" % args.so)
    args.work = os.path.abspath(args.work) if args.work else \
        tempfile.mkdtemp(prefix="vx-corrupt-")
    os.makedirs(args.work, exist_ok=True)
    # one build for the whole run, even if vmap_ext.so is rebuilt meanwhile
    snap = os.path.join(args.work, "vmap_ext.so")
    shutil.copy2(args.so, snap)
    args.so = snap
    only = set(filter(None, args.case.split(",")))
    results, t0 = [], time.time()

    dirs = dict(f.split("=", 1) for f in args.fixture)
    for version in args.kernels.split(","):
        k = Kernel(version, dirs.get(version) or fixture(version), args)
        attach_baselines(args, k)
        for label, make in CASES:
            if only and label not in only:
                continue
            dmg = make(k)
            for mode in k.clean:
                if dmg is None:
                    results.append(dict(case=label, kernel=version,
                                        mode=mode or "full", result="n/a",
                                        what="", seen="", notes=[]))
                    continue
                r = run_case(args, k, mode, label, dmg, results)
                print("%-20s %-5s %-9s %-8s %s" % (
                    label, version, r["mode"], r["result"],
                    "; ".join(r["notes"])), file=sys.stderr, flush=True)
        for n in range(args.sweep):
            dmg = sweep_case(k, n)
            for mode in k.clean:
                r = run_case(args, k, mode, "sweep-%d" % n, dmg, results)
                if r["result"] != "PASS":
                    print("%-20s %-5s %-9s %-8s %s: %s" % (
                        "sweep-%d" % n, version, r["mode"], r["result"],
                        dmg.what, "; ".join(r["notes"])), file=sys.stderr,
                        flush=True)

    # the table
    named = [r for r in results if not r["case"].startswith("sweep-")]
    print("%-20s %-5s %-9s %-8s %-8s %-8s %s" % (
        "CASE", "KERNEL", "MODE", "RESULT", "ROWS", "VMALLOCINFO",
        "DAMAGE MESSAGE SEEN"))
    for r in named:
        print("%-20s %-5s %-9s %-8s %-8s %-11s %s" % (
            r["case"], r["kernel"], r["mode"], r["result"],
            r.get("rows", "-"), r.get("vmi", "-"), r["seen"][:110]))
        if r["result"] not in ("PASS", "n/a") or any(
                n.startswith("known") for n in r["notes"]):
            for n in r["notes"]:
                print("%30s %s" % ("", n))
    sweeps = [r for r in results if r["case"].startswith("sweep-")]
    if sweeps:
        bad = [r for r in sweeps if r["result"] != "PASS"]
        print("random sweep: %d damaged sessions, %d failed" % (
            len(sweeps), len(bad)))
        for r in bad:
            print("  %s %s %s: %s: %s" % (r["case"], r["kernel"], r["mode"],
                                          r["result"], r["what"]))
            for n in r["notes"]:
                print("      " + n)
    ran = [r for r in results if r["result"] not in ("n/a", "NO-START")]
    failed = [r for r in ran if r["result"] not in ("PASS", "KNOWN")]
    hangs = sum(r["result"] == "HANG" for r in ran)
    print("corrupt: %d damaged sessions (%d named cases, %d sweep), "
          "%d failed, %d hung, %.0f s; work dir %s" % (
              len(ran), len([r for r in named if r in ran]),
              len(sweeps), len(failed), hangs, time.time() - t0, args.work))
    if not failed and not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
