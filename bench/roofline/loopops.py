#!/usr/bin/env python3
"""Floating-point operations in the innermost loops of compiled functions (bench/roofline).

    loopops.py [--all] BINARY FUNCTION [FUNCTION ...]

Disassembles each FUNCTION of BINARY with `objdump -d`, splits it into basic blocks, finds
its natural loops (a back edge to a block that dominates its source: the loop is the header
and every block that reaches the back edge without passing the header) and prints, per
innermost loop (--all: every loop) with a floating-point instruction or a call, the
instruction counts by class and register width -- div, fma, mul, add (add and sub),
cmp/min/max/blend/logic ("sel"), sqrt, and the calls -- of the blocks that run on every trip
(they dominate every back edge), then of each block that runs only when its branch is taken
(e.g. the store of one optional output), with the stores it makes. Straight-line code
between loops is not reported. No third-party modules.
"""
import re
import subprocess
import sys
from collections import Counter

CLASSES = [
    ("div", re.compile(r"^v?div[sp][sd]$")),
    ("sqrt", re.compile(r"^v?sqrt[sp][sd]$")),
    ("fma", re.compile(r"^vf(n?m(add|sub)|maddsub|msubadd)\d{3}[sp][sd]$")),
    ("mul", re.compile(r"^v?mul[sp][sd]$")),
    ("add", re.compile(r"^v?(add|sub)[sp][sd]$")),
    ("sel", re.compile(r"^v?(cmp\w*[sp][sd]|min[sp][sd]|max[sp][sd]|blendm?v?[sp][sd]"
                       r"|andn?p[sd]|x?orp[sd]|u?comis[sd]|range[sp][sd])$")),
]
LINE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")


def width(ops):
    if "zmm" in ops:
        return "zmm"
    if "ymm" in ops:
        return "ymm"
    return "xmm"


def disasm(binary, fn):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary], check=True,
                         capture_output=True, text=True).stdout
    body, inside = [], False
    for line in out.splitlines():
        if re.match(r"^[0-9a-f]+ <%s>:$" % re.escape(fn), line):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            m = LINE.match(line)
            if m:
                body.append((int(m.group(1), 16), m.group(2), m.group(3)))
    return body


def classify(insns):
    c = Counter()
    for _, mn, ops in insns:
        if mn == "call":
            tgt = re.search(r"<([^>]+)>", ops)
            c["call " + (tgt.group(1) if tgt else ops)] += 1
            continue
        for name, rx in CLASSES:
            if rx.match(mn):
                w = width(ops) if mn.endswith(("pd", "ps")) else "scalar"
                c["%s.%s" % (name, w)] += 1
                break
    return c


def blocks_of(body):
    """Basic blocks [(start, [insns])] and successor lists of a function's instructions."""
    addrs = [a for a, _, _ in body]
    leaders = {addrs[0]}
    for k, (a, mn, ops) in enumerate(body):
        if mn.startswith("j") or mn.startswith("ret"):
            m = re.match(r"([0-9a-f]+)\s", ops)
            if m:
                leaders.add(int(m.group(1), 16))
            if k + 1 < len(body):
                leaders.add(addrs[k + 1])
    blocks, cur = [], None
    for insn in body:
        if insn[0] in leaders:
            cur = (insn[0], [])
            blocks.append(cur)
        cur[1].append(insn)
    starts = {b[0] for b in blocks}
    succ = {}
    for k, (b0, insns) in enumerate(blocks):
        a, mn, ops = insns[-1]
        out = []
        m = re.match(r"([0-9a-f]+)\s", ops)
        if mn.startswith("j") and m and int(m.group(1), 16) in starts:
            out.append(int(m.group(1), 16))
        if not (mn == "jmp" or mn.startswith("ret")) and k + 1 < len(blocks):
            out.append(blocks[k + 1][0])
        succ[b0] = out
    return blocks, succ


def dominators(blocks, succ):
    # a virtual entry (-1) leads to the function's entry and to every block without a
    # predecessor (the targets of a switch's indirect jump) except alignment padding
    entry = -1
    nodes = [b[0] for b in blocks]
    pred = {n: [] for n in nodes}
    for n in nodes:
        for t in succ[n]:
            pred[t].append(n)
    padding = {b0 for b0, insns in blocks
               if all(re.match(r"(nop|data16|xchg|cs|int3)", mn) for _, mn, _ in insns)}
    succ[entry] = [n for n in nodes
                   if n == blocks[0][0] or (not pred[n] and n not in padding)]
    for n in succ[entry]:
        pred[n].append(entry)
    pred[entry] = []
    nodes = [entry] + nodes
    # reachable nodes only
    seen, stack = {entry}, [entry]
    while stack:
        for t in succ[stack.pop()]:
            if t not in seen:
                seen.add(t)
                stack.append(t)
    nodes = [n for n in nodes if n in seen]
    dom = {n: set(nodes) for n in nodes}
    dom[entry] = {entry}
    changed = True
    while changed:
        changed = False
        for n in nodes:
            if n == entry:
                continue
            ps = [dom[p] for p in pred[n] if p in seen]
            new = set.intersection(*ps) | {n} if ps else {n}
            if new != dom[n]:
                dom[n], changed = new, True
    return dom, pred


def fmt(c):
    return " ".join("%s=%d" % (k, v) for k, v in sorted(c.items())) or "-"


def report(body, everything):
    blocks, succ = blocks_of(body)
    bmap = dict(blocks)
    dom, pred = dominators(blocks, succ)
    loops = {}  # header -> set of latches
    for n in dom:
        if n < 0:
            continue
        for t in succ[n]:
            if t in dom and t in dom[n]:
                loops.setdefault(t, set()).add(n)
    natural = {}
    for h, latches in loops.items():
        body_nodes, stack = {h}, list(latches)
        while stack:
            n = stack.pop()
            if n not in body_nodes:
                body_nodes.add(n)
                stack.extend(p for p in pred[n] if p in dom and p >= 0)
        natural[h] = (body_nodes, latches)
    for h in sorted(natural):
        nodes, latches = natural[h]
        inner = [g for g in natural if g != h and g in nodes]
        if inner and not everything:
            continue
        # blocks run on every trip: those that dominate every latch
        core = [n for n in nodes if all(n in dom[l] for l in latches)]
        cond = sorted(set(nodes) - set(core))
        total = classify([i for n in nodes for i in bmap[n]])
        if not any(k.split(".")[0] in ("div", "fma", "mul", "add", "sel", "sqrt")
                   or k.startswith("call") for k in total):
            continue
        ninsn = sum(len(bmap[n]) for n in nodes)
        print("loop %x (%d blocks, %d insns): every trip: %s" % (
            h, len(nodes), ninsn, fmt(classify([i for n in core for i in bmap[n]]))))
        for n in cond:
            c = classify(bmap[n])
            stores = [ops for _, mn, ops in bmap[n] if mn.startswith("vmov") and
                      re.search(r",\s*-?(0x[0-9a-f]+)?\(%r(?!bp|sp)", ops)]
            if c or stores:
                print("    block %x (if taken): %s%s" % (n, fmt(c),
                      "  stores " + "; ".join(stores) if stores else ""))


def main():
    everything = "--all" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--all"]
    if len(args) < 2:
        sys.exit(__doc__)
    binary = args[0]
    for fn in args[1:]:
        body = disasm(binary, fn)
        if not body:
            print("%s: not found" % fn)
            continue
        print("## %s (%d instructions)" % (fn, len(body)))
        report(body, everything)


if __name__ == "__main__":
    main()
