#!/usr/bin/python3
"""A/B of vmap_ext.so builds on one dump: time per area of `vmap list`
under crash 8.0.2 --minimal.  One crash session kept open per build
(bench.Live), a first listing in each, then ROUNDS rounds of
bench.BATCH listings on each build in turn (the order turned round every
round); prints each build's median (µs an area), the median of its
rounds' ratios to build A, and its rounds.  Not part of make bench: for
judging one change at a time (docs/performance.md).

usage: tests/bench/ab.py ROUNDS DUMP_DIR SO_A SO_B [SO_C ...]"""
import os
import shutil
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
    cmd = "vmap list > /dev/null"
    lives = []
    try:
        for i, so in enumerate(sos):
            case = bench.Case("%s,%s,/usr/bin/crash,%s,--minimal,list" %
                              (chr(65 + i), dump, os.path.abspath(so)))
            case.rows = bench.count_rows(case, tmp)[0]
            lives.append(bench.Live(case, tmp))
        got = {k: [x * 1e6 for x in v]
               for k, v in bench.in_turn(lives, cmd, rounds).items()}
    finally:
        for live in lives:
            live.close()
        shutil.rmtree(tmp, ignore_errors=True)
    base = got[lives[0].case.label]
    for live in lives:
        case = live.case
        mine = got[case.label]
        print("%s %s rows=%d median %.4f us/area, %.3fx A  [%s]" % (
            case.label, case.so, case.rows, statistics.median(mine),
            statistics.median(b / a for a, b in zip(base, mine)),
            " ".join("%.4f" % x for x in mine)))


if __name__ == "__main__":
    main()
