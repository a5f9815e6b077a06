"""Write README.md from nbs/index.ipynb without Quarto (nbdev_readme needs Quarto, which CI machines lack).

Markdown cells are copied; code cells become ```python blocks; cells with `#| hide` are left out.
`--check` exits 1 when README.md differs from what the notebook gives."""
import json
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent


def render(nb_path: Path) -> str:
    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    parts = []
    for cell in cells:
        source = "".join(cell["source"]).strip()
        if not source or source.startswith("#| hide") or source.startswith("#|hide"): continue
        if cell["cell_type"] == "markdown":
            parts.append(source)
        else:
            code = "\n".join(l for l in source.splitlines() if not l.startswith("#|"))
            parts.append(f"```python\n{code}\n```")
    body = "\n\n".join(parts) + "\n"
    return "<!-- WARNING: generated from nbs/index.ipynb by .ci/make_readme.py; edit the notebook -->\n\n" + body


if __name__ == "__main__":
    text, readme = render(root / "nbs" / "index.ipynb"), root / "README.md"
    if "--check" in sys.argv:
        if not readme.is_file() or readme.read_text(encoding="utf-8") != text:
            print("README.md is out of date: run python .ci/make_readme.py"); sys.exit(1)
    else: readme.write_text(text, encoding="utf-8")
