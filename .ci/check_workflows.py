"""Check .github/workflows/test.yaml and deploy.yaml: valid YAML, and steps in line with .ci/run.

GitHub runs them (they cannot run here), so this is what CI can check: both parse; test.yaml runs `bash .ci/run` on
push and pull requests; deploy.yaml installs the same requirements in the same order as .ci/run (torch first, then
`-e ".[dev]"`), renders with `nbdev_docs` and publishes settings.ini's `doc_path`; both set up the Quarto version that
.ci/run installs and a Python that settings.ini allows; every action is pinned to a version."""
import re
import shlex
import sys
from configparser import ConfigParser
from pathlib import Path

import yaml

root = Path(__file__).resolve().parent.parent
problems = []


def pip_installs(script: str) -> list:
    "The requirement arguments of each `pip install` in a shell script, options (and their values) left out."
    found = []
    for line in script.splitlines():
        line = line.split("#")[0].strip()
        if not re.match(r"^(python3? -m )?pip install\b", line): continue
        args, skip, reqs = shlex.split(line)[line.split().index("install") + 1:], False, []
        for a in args:
            if skip: skip = False
            elif a == "-e": reqs.append(a)
            elif a in ("--extra-index-url", "--index-url", "-i", "-r", "-c"): skip = True
            elif not a.startswith("-"): reqs.append(a)
        found.append(" ".join(reqs))
    return found


def load(name: str) -> dict:
    path = root / ".github" / "workflows" / name
    try: data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        problems.append(f"{name}: {e}"); return {}
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict) or not data["jobs"]:
        problems.append(f"{name}: no jobs"); return {}
    if "on" not in data and True not in data: problems.append(f"{name}: no `on:` trigger")  # YAML 1.1 reads `on` as True
    return data


def steps(data: dict) -> list:
    return [s for job in data.get("jobs", {}).values() for s in job.get("steps", [])]


def check_common(name: str, data: dict, quarto_version: str, min_python: str):
    for s in steps(data):
        if "uses" in s and not re.search(r"@v\d+(\.\d+)*$", s["uses"]): problems.append(f"{name}: `{s['uses']}` is not pinned to a version")
    quarto = [s for s in steps(data) if s.get("uses", "").startswith("quarto-dev/quarto-actions/setup@")]
    if not quarto or str(quarto[0].get("with", {}).get("version")) != quarto_version:
        problems.append(f"{name}: sets up no Quarto {quarto_version} (the version .ci/run installs)")
    pythons = [str(s.get("with", {}).get("python-version")) for s in steps(data) if s.get("uses", "").startswith("actions/setup-python@")]
    version = lambda v: tuple(int(x) for x in v.split("."))
    if not pythons or version(pythons[0]) < version(min_python): problems.append(f"{name}: sets up no Python >= {min_python}")


ci_run = (root / ".ci" / "run").read_text(encoding="utf-8")
cfg = ConfigParser(delimiters=["="]); cfg.read(root / "settings.ini", encoding="utf-8"); cfg = cfg["DEFAULT"]
quarto_version = re.search(r"quarto-cli-([\d.]+)-src\.tar\.gz", ci_run)[1]
ci_installs = pip_installs(ci_run)

test = load("test.yaml")
if test:
    check_common("test.yaml", test, quarto_version, cfg["min_python"])
    triggers = test.get("on", test.get(True))
    triggers = [triggers] if isinstance(triggers, str) else list(triggers or [])
    for event in ("push", "pull_request"):
        if event not in triggers: problems.append(f"test.yaml: does not run on {event}")
    if not any(s.get("run", "").strip() == "bash .ci/run" for s in steps(test)): problems.append("test.yaml: no step runs `bash .ci/run`")

deploy = load("deploy.yaml")
if deploy:
    check_common("deploy.yaml", deploy, quarto_version, cfg["min_python"])
    runs = [s.get("run", "") for s in steps(deploy)]
    installs = [i for r in runs for i in pip_installs(r)]
    if installs != ci_installs: problems.append(f"deploy.yaml installs {installs}, .ci/run installs {ci_installs}")
    docs_at = next((i for i, r in enumerate(runs) if r.strip() == "nbdev_docs"), None)
    last_install = max((i for i, r in enumerate(runs) if pip_installs(r)), default=None)
    if docs_at is None or last_install is None or docs_at < last_install: problems.append("deploy.yaml: no `nbdev_docs` step after the installs")
    publish = [s for s in steps(deploy) if s.get("uses", "").startswith("peaceiris/actions-gh-pages@")]
    if not publish or Path(publish[0].get("with", {}).get("publish_dir", "")).name != Path(cfg["doc_path"]).name:
        problems.append(f"deploy.yaml: does not publish {cfg['doc_path']} to GitHub Pages")

print("\n".join(problems) if problems else f"workflows: ok (installs {ci_installs}, Quarto {quarto_version})")
sys.exit(1 if problems else 0)
