#!/usr/bin/env python3
"""Rewrites the output blocks of the README's checked sections from a real run.

Each `sh` block of those sections that is followed by a plain ``` block gets that block
replaced with what its last command prints (standard output, then standard error), run from
the package root with the built binary. `Tests/influenceTests/ReadmeTests.swift` checks the
same sections, so run this after a change of output and review the diff.

    swift build && python3 Scripts/update_readme_examples.py [--binary .build/debug/influence]
"""
import pathlib
import re
import shlex
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECTIONS = ["## Compare", "## Your platform's export"]


def run(binary, command):
    words = shlex.split(command)
    out = subprocess.run([binary] + words[1:], cwd=ROOT, capture_output=True, text=True)
    for leftover in ("spread.csv",):
        (ROOT / leftover).unlink(missing_ok=True)
    return out.stdout + out.stderr


def main():
    binary = str(ROOT / ".build/debug/influence")
    if "--binary" in sys.argv:
        binary = sys.argv[sys.argv.index("--binary") + 1]
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    for heading in SECTIONS:
        start = text.index(heading + "\n")
        end = text.find("\n## ", start + len(heading))
        end = len(text) if end < 0 else end
        section = text[start:end]

        def replace(match):
            commands = [line for line in match.group(1).splitlines() if line.startswith("influence ")]
            output = run(binary, commands[-1])
            return "```sh\n" + match.group(1) + "```\n\n```\n" + output + "```"

        section = re.sub(r"```sh\n(.*?)```\n\n```\n.*?```", replace, section, flags=re.S)
        text = text[:start] + section + text[end:]
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
