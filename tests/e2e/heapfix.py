#!/usr/bin/python3
"""Print what LD_PRELOAD must hold for crash to open DUMPDIR with its heap
whole (check.crash_env(): heapfix.c for crash releases before 8.0.3 on
6.2+ kernels), nothing if it needs nothing.  For the shell scripts that
start crash themselves (mkfixture.sh's crash check, demo.sh).

usage: heapfix.py DUMPDIR [CRASH]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[-1])
    crash = sys.argv[2] if len(sys.argv) == 3 else "crash"
    print(check.crash_env(crash, sys.argv[1]).get("LD_PRELOAD", ""))


if __name__ == "__main__":
    main()
