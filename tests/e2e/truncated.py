#!/usr/bin/python3
"""The dump file failing under vmap: a copy of DUMP's vmcore is cut to
1 MiB while a crash session reads it directly.  vmap's next commands
must fail the way a damaged dump fails (one-line errors, warnings
naming what could not be read), never take crash down nor hang; and
with the file restored vmap must list again as before.

usage: truncated.py DUMPDIR SO [--crash CRASH] [--flags FLAGS]
"""
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
import check  # noqa: E402  (crash_start: 8.0.2's start-up retries)


def main():
    args = check.session_args().parse_args()
    tmp = tempfile.mkdtemp(prefix="vx-trunc-")
    try:
        os.symlink(os.path.join(os.path.abspath(args.dump), "vmlinux"),
                   os.path.join(tmp, "vmlinux"))
        vmcore = os.path.join(tmp, "vmcore")
        keep = os.path.join(tmp, "vmcore.whole")
        shutil.copyfile(os.path.join(args.dump, "vmcore"), vmcore)
        cmds = ["extend " + os.path.abspath(args.so),
                "vmap list > before.txt",
                "vmap list -v > info.txt",
                "!cp %s %s && truncate -s 1M %s" % (vmcore, keep, vmcore),
                # the command that sets up most, then the others
                "vmap check > check.txt",
                "vmap list > cut.txt",
                "vmap read ffffc90000000000 64",
                "!cp %s %s" % (keep, vmcore),
                "vmap list > after.txt",
                "!echo session-alive",
                "exit"]
        cmdfile = os.path.join(tmp, "cmds")
        with open(cmdfile, "w") as f:
            f.write("\n".join(cmds) + "\n")
        rc, text, _, _ = check.crash_start(args.crash, args.flags, tmp,
                                           cmdfile, tmp, 4, timeout=300)

        def text_of(name):
            return check.readfile(os.path.join(tmp, name))
        before, after = text_of("before.txt"), text_of("after.txt")
        info = text_of("info.txt")
        fails = []
        if "dump reads: ELF vmcore, read directly" not in info:
            fails.append("not read directly: %r" % info)
        if before.count("\n") < 50:
            fails.append("no listing before the cut")
        if before != after:
            fails.append("the listing with the file restored differs")
        if "unreadable" not in text_of("check.txt") + text_of("cut.txt") + \
                text:
            fails.append("the cut file's reads were not reported")
        if "session-alive" not in text or rc != 0:
            fails.append("crash did not go on (rc %s)" % rc)
        label = os.path.basename(os.path.normpath(args.dump))
        if fails:
            print("truncated dump (%s): FAIL: %s" % (label, "; ".join(fails)))
            print("\n".join("    " + l for l in text.splitlines()[-30:]))
            return 1
        print("truncated dump (%s): vmap reported the unreadable file and "
              "crash went on; with the file restored, %d rows as before" % (
                  label, before.count("\n")))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
