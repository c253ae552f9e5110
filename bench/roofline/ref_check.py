#!/usr/bin/python3
"""Check peak.c's accuracy reference: how far is glibc's long double expl/logl (x87, 64-bit
significand) from the exact value, in units of the *double* last place?

    build/roofline/peak --dump-ref exp 20000 | /usr/bin/python3 bench/roofline/ref_check.py exp

peak --dump-ref prints "x ref" per line (%a and %La, exact). Each reference is compared with
exp/log(x) evaluated by mpmath at 60 significant digits, and the error is expressed the way
peak.c expresses errors: |ref - exact| / 2^(e-53) where 2^(e-1) <= |exact| < 2^e. It also
counts how often the double nearest to ref differs from the double nearest to the exact value
(a correctly rounded result judged against ref would then be off by up to 0.5 + that error).
Needs mpmath (Debian's /usr/bin/python3 has it: python3-mpmath).
"""
import re
import sys

try:
    import mpmath
except ImportError:
    print("ref_check.py: mpmath not installed (apt-get install python3-mpmath)", file=sys.stderr)
    sys.exit(3)

mpmath.mp.dps = 60
HEX = re.compile(r"^(-?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]?\d+)$")


def parse_hex(s):
    """%a / %La hex float -> exact mpf"""
    m = HEX.match(s.strip().lower())
    if not m:
        raise ValueError(s)
    sign, ip, fp, ex = m.groups()
    fp = fp or ""
    mant = int(ip + fp, 16)
    v = mpmath.mpf(mant) * mpmath.mpf(2) ** (int(ex) - 4 * len(fp))
    return -v if sign else v


def double_ulp(v):
    _, e = mpmath.frexp(v)  # |v| = f 2^e, 0.5 <= f < 1
    return mpmath.mpf(2) ** max(e - 53, -1074)


def nearest_double(v):
    u = double_ulp(v)
    return mpmath.nint(v / u) * u


def main():
    fn = sys.argv[1] if len(sys.argv) > 1 else "exp"
    f = mpmath.exp if fn == "exp" else mpmath.log
    n = 0
    worst = mpmath.mpf(0)
    worst_x = None
    flips = 0
    for line in sys.stdin:
        xs, rs = line.split()
        x, ref = parse_hex(xs), parse_hex(rs)
        exact = f(x)
        err = abs(ref - exact) / double_ulp(exact)
        if err > worst:
            worst, worst_x = err, xs
        if nearest_double(ref) != nearest_double(exact):
            flips += 1
        n += 1
    print(f"{fn}: {n} arguments; long double reference error: max {float(worst):.3g} double ulp "
          f"(at x = {worst_x}); nearest double differs from the correctly rounded one in "
          f"{flips} cases")


if __name__ == "__main__":
    main()
