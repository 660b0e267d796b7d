#!/usr/bin/python3
"""drgn's view of the vmap areas of a dump (runs in the sid chroot).

usage: drgn_vmap.py VMCORE VMLINUX
Prints 'helper START END VM' per area from for_each_vmap_area(), then the
output of drgn's crash-compatible 'kmem -v', then the times of both.
"""
import contextlib
import io
import sys
import time

import drgn
from drgn.commands import run_command
from drgn.helpers.linux.mm import for_each_vmap_area

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])

t0 = time.time()
rows = [(int(va.va_start), int(va.va_end), int(va.vm))
        for va in for_each_vmap_area(prog)]
t1 = time.time()
for start, end, vm in rows:
    print("helper %x %x %x" % (start, end, vm))

buf = io.StringIO()
t2 = time.time()
with contextlib.redirect_stdout(buf):
    try:
        run_command(prog, "crash kmem -v")
    except Exception as e:          # report, do not hide
        print("kmem -v failed: %s" % e)
t3 = time.time()
for line in buf.getvalue().splitlines():
    print("kmem " + line)
print("time helper %.4f" % (t1 - t0))
print("time kmem %.4f" % (t3 - t2))
