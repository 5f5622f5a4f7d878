#!/usr/bin/env python3
"""Writes ../NN-name.ipynb from the lesson sources NN-name.txt here (one text file per lesson,
easier to review than notebook JSON).

Format: the first line `%% lesson N: Title`; then cells, each opened by a header line
  %% md [tags=a,b]                      a markdown cell
  %% code [tags=a,b] [ex=ID] [pts=P]    a code cell; ex -> metadata.optlab.exercise, pts -> points
Cell ids are l<NN>-c<k> (stable, so optlab grade can anchor hidden checks on them).
Usage: python3 make.py [--out DIR] [NN-name.txt ...]   (default: all, into ..)
"""
import json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))

def lines(text):
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out

def convert(src, outdir=os.path.join(HERE, "..")):
    name = os.path.basename(src)[:-4]
    nn = name.split("-")[0]
    text = open(src, encoding="utf-8").read()
    blocks = re.split(r"^(%%.*)$", text, flags=re.M)
    head = blocks[1]
    m = re.match(r"%% lesson (\d+): (.*)", head)
    assert m, f"{src}: first line must be '%% lesson N: Title'"
    cells = []
    for i in range(3, len(blocks), 2):
        header, body = blocks[i], blocks[i + 1].strip("\n")
        words = header[2:].split()
        kind = words[0]
        opts = dict(w.split("=", 1) for w in words[1:])
        meta = {}
        if "tags" in opts:
            meta["tags"] = opts["tags"].split(",")
        optlab = {}
        if "ex" in opts:
            optlab["exercise"] = opts["ex"]
        if "pts" in opts:
            optlab["points"] = float(opts["pts"]) if "." in opts["pts"] else int(opts["pts"])
        if optlab:
            meta["optlab"] = optlab
        cell = {"cell_type": "markdown" if kind == "md" else "code", "id": f"l{nn}-c{len(cells)}", "metadata": meta, "source": lines(body)}
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        cells.append(cell)
    nb = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "optlab", "display_name": "TypeScript (optlab)", "language": "typescript"},
            "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
            "optlab": {"lesson": int(m.group(1)), "title": m.group(2).strip()},
        },
        "cells": cells,
    }
    out = os.path.join(outdir, name + ".ipynb")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print(out)

if __name__ == "__main__":
    args = sys.argv[1:]
    outdir = os.path.join(HERE, "..")
    if args[:1] == ["--out"]:
        outdir, args = args[1], args[2:]
    srcs = args or sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if re.match(r"\d+-.*\.txt$", f))
    for s in srcs:
        convert(s if os.path.exists(s) else os.path.join(HERE, s), outdir)
