#!/usr/bin/python3
"""A/B of vmap_ext.so builds on one dump: time per area of `vmap list`
under crash 8.0.2 --minimal, in sessions of bench.SUSTAIN listings after
a first, the builds taken in turn, ROUNDS sessions each; prints each
build's median and its sessions (µs an area).  Not part of make bench:
for judging one change at a time (docs/performance.md).

usage: tests/bench/ab.py ROUNDS DUMP_DIR SO_A SO_B [SO_C ...]"""
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import bench  # noqa: E402


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    rounds, dump, sos = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    tmp = tempfile.mkdtemp(prefix="vx-ab-")
    cases = []
    for i, so in enumerate(sos):
        case = bench.Case("%s,%s,/usr/bin/crash,%s,--minimal,list" %
                          (chr(65 + i), dump, os.path.abspath(so)))
        case.rows = bench.count_rows(case, tmp)[0]
        cases.append(case)
    cmd = "vmap list > /dev/null"
    got = {case.label: [] for case in cases}
    for _ in range(rounds):
        for case in cases:
            inside = bench.session(case, [cmd], [cmd] * bench.SUSTAIN,
                                   tmp)[2]
            got[case.label].append(inside / bench.SUSTAIN / case.rows * 1e6)
    for case in cases:
        print("%s %s rows=%d median %.4f us/area  [%s]" % (
            case.label, case.so, case.rows,
            statistics.median(got[case.label]),
            " ".join("%.4f" % x for x in got[case.label])))


if __name__ == "__main__":
    main()
