"""Bit-for-bit comparison of the variables of two platsweep outputs (a helper of the cli tests,
also usable by hand):  /usr/bin/python3 tests/cli/_nccompare.py A.nc B.nc

Every dataset (variables and coordinates) must exist in both files with the same shape, dtype
and bytes (NaN payloads included); global attributes are compared except those that describe
the run rather than the results (history, ranks, threads). Exit 0 when equal, 1 otherwise."""
import sys

import h5py
import numpy as np

RUN_ATTRS = {"history", "ranks", "threads"}


def differences(a_path, b_path):
    out = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        names_a = sorted(k for k in a.keys() if isinstance(a[k], h5py.Dataset))
        names_b = sorted(k for k in b.keys() if isinstance(b[k], h5py.Dataset))
        if names_a != names_b:
            out.append(f"datasets differ: {names_a} vs {names_b}")
        for k in names_a:
            if k not in b:
                continue
            x, y = a[k][()], b[k][()]
            if x.shape != y.shape or x.dtype != y.dtype:
                out.append(f"{k}: shape/dtype {x.shape} {x.dtype} vs {y.shape} {y.dtype}")
            elif x.tobytes() != y.tobytes():
                bad = np.flatnonzero(np.frombuffer(x.tobytes(), np.uint8) != np.frombuffer(y.tobytes(), np.uint8))
                out.append(f"{k}: {bad.size} bytes differ (first at byte {bad[0]})")
        for k in sorted(set(a.attrs) | set(b.attrs)):
            if k in RUN_ATTRS:
                continue
            if k not in a.attrs or k not in b.attrs:
                out.append(f"global attribute {k} only in one file")
            elif str(a.attrs[k]) != str(b.attrs[k]):
                out.append(f"global attribute {k} differs")
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    d = differences(sys.argv[1], sys.argv[2])
    for line in d:
        print(line)
    return 1 if d else 0


if __name__ == "__main__":
    sys.exit(main())
