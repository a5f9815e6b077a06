"""Notebook and code style that the kit's conventions ask for, checked in CI.

- Every exported cell is followed by an example or test (a non-exported code cell) before the next exported cell.
- No notebook has more than 60 cells.
- Exported modules: lines of at most 120 characters (nbdev's generated `__all__` lines aside), one statement per line
  (no `;` between statements)."""
import ast
import io
import json
import sys
import tokenize
from pathlib import Path

root = Path(__file__).resolve().parent.parent
MAX_CELLS, MAX_LINE = 60, 120
problems = []


def directives(source: str) -> set:
    "The nbdev directives (`#| export`, ...) of a cell."
    return {line.strip()[2:].strip().split()[0] for line in source.splitlines() if line.strip().startswith("#|")
            and line.strip()[2:].strip()}


def is_exported(source: str) -> bool:
    return bool(directives(source) & {"export", "exports"})


def is_setup(source: str) -> bool:
    "Cells that only set up the notebook: `default_exp` and import cells."
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        body = ast.parse("\n".join(lines)).body
    except SyntaxError:
        return False
    return "default_exp" in directives(source) or all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in body)


for nb in sorted((root / "nbs").glob("*.ipynb")):
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    if len(cells) > MAX_CELLS:
        problems.append(f"{nb.name}: {len(cells)} cells (at most {MAX_CELLS}): split it")
    code = [("".join(c["source"]), i) for i, c in enumerate(cells) if c["cell_type"] == "code"]
    previous = None  # the last exported cell not yet followed by an example or test
    for source, index in code:
        if is_setup(source):
            continue
        if is_exported(source):
            if previous is not None:
                problems.append(f"{nb.name}: exported cell {previous} has no example or test before exported cell {index}")
            previous = index
        else:
            previous = None
    if previous is not None:
        problems.append(f"{nb.name}: exported cell {previous} has no example or test after it")

for path in sorted((root / "baseline_kit").rglob("*.py")):
    if path.name == "_modidx.py":
        continue
    text = path.read_text(encoding="utf-8")
    in_all = False
    for number, line in enumerate(text.splitlines(), 1):
        in_all = line.startswith("__all__") or (in_all and line.startswith(" "))
        if len(line) > MAX_LINE and not in_all:
            problems.append(f"{path.relative_to(root)}:{number}: {len(line)} characters (at most {MAX_LINE})")
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.OP and token.string == ";":
            problems.append(f"{path.relative_to(root)}:{token.start[0]}: two statements on one line (`;`)")

print("\n".join(problems) if problems else "notebook and code style: ok")
sys.exit(1 if problems else 0)
