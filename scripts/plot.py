#!/usr/bin/python3
"""Phase diagrams of a platsweep grid output.

usage: scripts/plot.py FILE.nc [--x a] [--y b] [--var f_opt-c] [--slice NAME=VALUE ...]
                       [--out FIG.png]

Draws, over two axes of the file:
  * the chosen variable or expression (default: f_opt - c, the customer fee's margin over
    cost, where c comes from the config stored in the file) as a heat map, with the
    below-cost region (below_cost_m = 1) outlined;
  * the number of participation equilibria (eq_count) when the file has it.
Other axes are fixed with --slice NAME=VALUE (nearest value; default: the middle).
Runs with Debian's python3-xarray and python3-matplotlib (/usr/bin/python3).
"""
import argparse
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402


def model_value(ds, name):
    """A fixed model value (c, d, ...) from the verbatim config attribute."""
    m = re.search(r"^\s*%s\s*:\s*([-+0-9.eE]+)" % re.escape(name), ds.attrs.get("config", ""), re.M)
    return float(m.group(1)) if m else None


def evaluate(ds, expr):
    """A variable name, or an expression of variables and fixed model values."""
    names = {v: ds[v] for v in ds.data_vars}
    for k in ("a", "b", "c", "d", "e_m", "e_n", "f", "g"):
        if k not in names:
            v = model_value(ds, k)
            if v is not None:
                names[k] = v
    try:
        return eval(expr, {"__builtins__": {}, "np": np}, names)  # noqa: S307 (user's own file)
    except NameError as e:
        sys.exit("plot.py: --var %s: %s (variables: %s)" % (expr, e, ", ".join(ds.data_vars)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--x", default=None, help="axis for x (default: the first dimension)")
    ap.add_argument("--y", default=None, help="axis for y (default: the second dimension)")
    ap.add_argument("--var", default="f_opt - c", help="variable or expression to colour")
    ap.add_argument("--slice", action="append", default=[], help="NAME=VALUE for other axes")
    ap.add_argument("--out", default=None, help="PNG path (default: FILE with .png)")
    args = ap.parse_args()

    ds = xr.open_dataset(args.file)
    dims = [d for d in ds.dims if d != "eq"]
    if len(dims) < 2:
        sys.exit("plot.py: %s has %d point dimension(s); a phase diagram needs a grid with two"
                 % (args.file, len(dims)))
    x = args.x or dims[0]
    y = args.y or dims[1]
    sel = {}
    for s in args.slice:
        k, _, v = s.partition("=")
        sel[k] = float(v)
    for d in dims:
        if d not in (x, y) and d not in sel:
            sel[d] = float(ds[d].values[len(ds[d]) // 2])
    sub = ds.sel(sel, method="nearest") if sel else ds

    panels = []
    if any(v in ds for v in ("f_opt", "g_opt")) or args.var != "f_opt - c":
        if "f_opt" in ds or args.var != "f_opt - c":
            panels.append("var")
    if "eq_count" in ds:
        panels.append("eq")
    if not panels:
        sys.exit("plot.py: nothing to draw in %s" % args.file)
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 5), squeeze=False)
    for ax, panel in zip(axes[0], panels):
        if panel == "var":
            val = evaluate(sub, args.var)
            val = val.transpose(y, x)
            lim = float(np.nanmax(np.abs(val.values))) or 1.0
            im = ax.pcolormesh(sub[x], sub[y], val, cmap="RdBu_r", vmin=-lim, vmax=lim,
                               shading="auto")
            fig.colorbar(im, ax=ax, label=args.var)
            if "below_cost_m" in sub:
                bc = sub["below_cost_m"].transpose(y, x).astype(float)
                if np.nanmax(bc.values) > 0 and np.nanmin(bc.values) < 1:
                    ax.contour(sub[x], sub[y], bc, levels=[0.5], colors="k", linewidths=1.5)
                    ax.plot([], [], "k-", label="below-cost boundary (f* = c)")
                    ax.legend(loc="upper left", fontsize=8)
            ax.set_title(args.var + (" (red: customers pay above cost)" if args.var == "f_opt - c" else ""))
        else:
            cnt = sub["eq_count"].transpose(y, x).astype(float)
            im = ax.pcolormesh(sub[x], sub[y], cnt, cmap="viridis", shading="auto")
            fig.colorbar(im, ax=ax, label="number of equilibria")
            ax.set_title("participation equilibria at the fees (f, g)")
        ax.set_xlabel("%s (%s)" % (x, ds[x].attrs.get("long_name", x)))
        ax.set_ylabel("%s (%s)" % (y, ds[y].attrs.get("long_name", y)))
    fig.suptitle(ds.attrs.get("title", args.file), fontsize=11)
    fig.tight_layout()
    out = args.out or re.sub(r"\.nc$", "", args.file) + ".png"
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
