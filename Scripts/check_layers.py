#!/usr/bin/env python3
"""Fails when a folder of the InfluenceModel library uses a type from a folder above it.

Data flows one way (DESIGN.md, Layout): Support and Output (domain-free) at the bottom, then
Input → Graph → LinearAlgebra → Scores / Spread / Attribution → Comparison / Simulation →
Report. A folder may use the types declared in its own folder and in the layers below it.
The check is textual: it collects the type names each folder declares and looks for them,
as whole words outside comments and string literals, in the other folders' files.

    python3 Scripts/check_layers.py            # exit 0 when clean, 1 with the offending uses
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "Sources" / "InfluenceModel"
RANK = {
    "Support": 0, "(root)": 0,
    "Output": 1,
    "Input": 2,
    "Graph": 3,
    "LinearAlgebra": 4,
    "Scores": 5, "Spread": 5, "Attribution": 5,
    "Comparison": 6, "Simulation": 6,
    "Report": 7,
}
DECLARATION = re.compile(r"\b(?:struct|enum|class|protocol|actor|typealias)\s+([A-Z][A-Za-z0-9_]*)")


def folder_of(path):
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else "(root)"


def code_only(text):
    """Drops comments and string literals (roughly: enough for a type-name scan)."""
    text = re.sub(r'"""[\s\S]*?"""', '""', text)
    text = re.sub(r"/\*[\s\S]*?\*/", " ", text)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    return text


def main():
    files = sorted(ROOT.rglob("*.swift"))
    owner = {}
    for f in files:
        for name in DECLARATION.findall(code_only(f.read_text(encoding="utf-8"))):
            owner.setdefault(name, folder_of(f))
    problems = []
    for f in files:
        here = folder_of(f)
        if here not in RANK:
            problems.append(f"{f.relative_to(ROOT.parent.parent)}: folder {here} has no layer; add it to RANK")
            continue
        words = set(re.findall(r"\b[A-Z][A-Za-z0-9_]*\b", code_only(f.read_text(encoding="utf-8"))))
        for word in sorted(words):
            there = owner.get(word)
            if there is None or there == here:
                continue
            if RANK[there] >= RANK[here]:
                problems.append(f"{f.relative_to(ROOT.parent.parent)}: {here} uses {word} from {there}, which is not below it")
    for p in problems:
        print(p)
    print(f"layers: {len(files)} files, {len(problems)} uses against the direction of the layers")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
