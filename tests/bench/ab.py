#!/usr/bin/python3
"""A/B of vmap_ext.so builds: time per area of `vmap list` under crash
8.0.2 --minimal (VX_AB_FLAGS to change), on one dump or on several.
One crash session kept open per build and dump (bench.Live), a first
listing in each, then ROUNDS rounds of bench.BATCH listings in every
session in turn (the order turned round every round); prints each
session's median (µs an area) with the median of its rounds' ratios to
build A on the same dump, and, given two or more dumps, each build's
median ratio of every later dump to the first (as the per-area bar of
make bench: 6.12 against 6.1).  Not part of make bench: for judging one
change at a time (docs/performance.md).

usage: tests/bench/ab.py ROUNDS DUMP_DIR[,DUMP_DIR...] SO_A [SO_B ...]"""
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import bench  # noqa: E402


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    rounds, dumps, sos = int(sys.argv[1]), sys.argv[2].split(","), \
        sys.argv[3:]
    flags = os.environ.get("VX_AB_FLAGS", "--minimal")
    tmp = tempfile.mkdtemp(prefix="vx-ab-")
    cmd = "vmap list > /dev/null"
    lives = []
    try:
        for i, so in enumerate(sos):
            for j, dump in enumerate(dumps):
                case = bench.Case("%s%d,%s,/usr/bin/crash,%s,%s,list" % (
                    chr(65 + i), j, dump, os.path.abspath(so), flags))
                case.rows = bench.count_rows(case, tmp)[0]
                lives.append(bench.Live(case, tmp))
        got = {k: [x * 1e6 for x in v]
               for k, v in bench.in_turn(lives, cmd, rounds).items()}
    finally:
        for live in lives:
            live.close()
        shutil.rmtree(tmp, ignore_errors=True)

    def ratio(a, b):
        return statistics.median(y / x for x, y in zip(got[a], got[b]))
    for live in lives:
        case = live.case
        mine = got[case.label]
        print("%s %s %s rows=%d median %.4f us/area, %.3fx A  [%s]" % (
            case.label, case.so, os.path.basename(case.dump), case.rows,
            statistics.median(mine), ratio("A" + case.label[1:],
                                           case.label),
            " ".join("%.4f" % x for x in mine)))
    for i, so in enumerate(sos):
        for j in range(1, len(dumps)):
            print("%s %s: %s / %s %.3fx" % (
                chr(65 + i), so, os.path.basename(dumps[j]),
                os.path.basename(dumps[0]),
                ratio("%s0" % chr(65 + i), "%s%d" % (chr(65 + i), j))))


if __name__ == "__main__":
    main()
