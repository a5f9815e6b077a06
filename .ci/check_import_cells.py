"""Fail when a notebook cell mixes imports with other code.

nbdev's docs processing (`nbdev_docs`) executes every cell that contains an import, out of context: a cell like
`import x; y = f(data)` then fails on `data`. This check catches such cells quickly, without Quarto: a code cell that
imports anything must contain only import statements (exported cells and `#| eval: false` cells are exempt: they run
in context, or not at all)."""
import ast
import json
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
problems = []
for nb in sorted((root / "nbs").rglob("*.ipynb")):
    if ".ipynb_checkpoints" in nb.parts: continue
    for i, cell in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or not source.strip(): continue
        directives = [l.strip()[2:].strip() for l in source.splitlines() if l.strip().startswith("#|")]
        if any(d.split()[0] in ("export", "exports", "exporti") or d.replace(" ", "") == "eval:false" for d in directives if d): continue
        lines = [l for l in source.splitlines() if not l.lstrip().startswith(("%", "!"))]
        try: tree = ast.parse("\n".join(lines))
        except SyntaxError as e: problems.append(f"{nb.name} cell {i}: does not parse: {e}"); continue
        has_import = any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))
        only_imports = all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)
        if has_import and not only_imports:
            problems.append(f"{nb.name} cell {i}: imports mixed with other code:\n    " + "\n    ".join(source.splitlines()[:6]))
print("\n".join(problems) if problems else "import cells: ok")
sys.exit(1 if problems else 0)
