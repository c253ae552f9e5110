#!/usr/bin/python3
"""Median, cell by cell, of the Markdown tables printed by several run.sh runs.

    for i in 1 2 3 4 5; do bench/roofline/run.sh > /tmp/roofline_$i.md; done
    /usr/bin/python3 bench/roofline/summarize.py /tmp/roofline_*.md

Rows are matched by their first three cells; a cell "<number> <unit>" becomes the median of
the numbers with the first run's unit and decimals (so "6.44 GFMA/s" and "843.1 Mdiv/s" are
medians of the runs' medians). Cells that are not numbers are taken from the first run.
Units must agree across runs (a rate crossing 1 G between runs, e.g. 998.0 M vs 1.01 G, is
converted). Python 3 standard library only.
"""
import re
import statistics
import sys

NUM = re.compile(r"^(-?\d+(?:\.\d+)?)(\s*)(.*)$")
SCALE = {"G": 1e9, "M": 1e6}


def parse_tables(path):
    tables, cur, header = {}, None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.startswith("|"):
                cur = header = None
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            if header is None:
                header = line
                cur = tables.setdefault(header, {"rows": {}, "order": []})
                continue
            if set(line) <= set("|-: "):
                continue
            key = tuple(cells[:3])
            cur["rows"][key] = cells
            cur["order"].append(key)
    return tables


def to_value(cell):
    m = NUM.match(cell)
    if not m:
        return None
    v, _, unit = m.groups()
    v = float(v)
    if unit[:1] in SCALE and unit[1:2].isalpha():
        return v * SCALE[unit[:1]], unit[1:]
    return v, unit


def fmt_like(template, value):
    m = NUM.match(template)
    num, space, unit = m.groups()
    dec = len(num.split(".")[1]) if "." in num else 0
    if unit[:1] in SCALE and unit[1:2].isalpha():
        prefix = "G" if value >= 1e9 else "M"
        if prefix != unit[:1]:
            dec = 2 if prefix == "G" else 1
        return f"{value / SCALE[prefix]:.{dec}f}{space}{prefix}{unit[1:]}"
    return f"{value:.{dec}f}{space}{unit}"


def main():
    runs = [parse_tables(p) for p in sys.argv[1:]]
    if not runs:
        sys.exit("usage: summarize.py RUN.md...")
    print(f"Medians over {len(runs)} runs.\n")
    for header, table in runs[0].items():
        print(header)
        print("|" + "|".join("---" for _ in header.strip("|").split("|")) + "|")
        for key in table["order"]:
            first = table["rows"][key]
            out = []
            for i, cell in enumerate(first):
                vals = []
                for r in runs:
                    row = r.get(header, {"rows": {}})["rows"].get(key)
                    if row and i < len(row):
                        v = to_value(row[i])
                        if v is not None:
                            vals.append(v[0])
                if i >= 3 and to_value(cell) is not None and vals:
                    out.append(fmt_like(cell, statistics.median(vals)))
                else:
                    out.append(cell)
            print("| " + " | ".join(out) + " |")
        print()


if __name__ == "__main__":
    main()
