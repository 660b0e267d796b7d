#!/usr/bin/python3
"""The mapped dump failing under vmap: a copy of DUMP's vmcore is cut to
1 MiB while a crash session has it mapped.  The next vmap command must
end with one line about the SIGBUS, not take crash down; vmap must then
read through crash (`vmap list -v` says so), and crash go on.

usage: truncated.py DUMPDIR SO [--crash CRASH] [--flags FLAGS]
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
import check  # noqa: E402  (crash_start: 8.0.2's start-up retries)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("so")
    ap.add_argument("--crash", default="/usr/bin/crash")
    ap.add_argument("--flags", default="")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vx-trunc-")
    try:
        os.symlink(os.path.join(os.path.abspath(args.dump), "vmlinux"),
                   os.path.join(tmp, "vmlinux"))
        vmcore = os.path.join(tmp, "vmcore")
        shutil.copyfile(os.path.join(args.dump, "vmcore"), vmcore)
        cmds = ["extend " + os.path.abspath(args.so),
                "vmap list -s > before.txt",
                "!truncate -s 1M " + vmcore,
                # cut in the middle of the command that sets most up
                "vmap check",
                "vmap list -v > info.txt",
                "vmap list -s",
                "!echo session-alive",
                "exit"]
        cmdfile = os.path.join(tmp, "cmds")
        with open(cmdfile, "w") as f:
            f.write("\n".join(cmds) + "\n")
        rc, text, _, _ = check.crash_start(args.crash, args.flags, tmp,
                                           cmdfile, tmp, 4, timeout=300)
        info = open(os.path.join(tmp, "info.txt")).read() \
            if os.path.exists(os.path.join(tmp, "info.txt")) else ""
        before = open(os.path.join(tmp, "before.txt")).read() \
            if os.path.exists(os.path.join(tmp, "before.txt")) else ""
        sigbus = [l for l in text.splitlines() if "SIGBUS" in l]
        fails = []
        if "total" not in before:
            fails.append("no listing before the cut")
        if "dump reads: mapped ELF vmcore" in before:
            fails.append("before.txt is not a listing")
        if len(sigbus) != 1 or "reading through crash from now on" \
                not in sigbus[0]:
            fails.append("SIGBUS not reported in one line: %r" % sigbus)
        if "dump reads: crash (readmem)" not in info or \
                "dropped after a SIGBUS" not in info:
            fails.append("map not dropped: %r" % info)
        if "session-alive" not in text or rc != 0:
            fails.append("crash did not go on (rc %s)" % rc)
        label = os.path.basename(os.path.normpath(args.dump))
        if fails:
            print("truncated dump (%s): FAIL: %s" % (label, "; ".join(fails)))
            print("\n".join("    " + l for l in text.splitlines()[-30:]))
            return 1
        print("truncated dump (%s): the SIGBUS ended one vmap command in "
              "one line (%s); vmap read through crash after it, and crash "
              "went on" % (label, sigbus[0].strip()[:40] + "..."))
        sys.stdout.flush()
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
