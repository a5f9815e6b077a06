"""Open the built docs site (`_docs/`, from `nbdev_docs`) in headless Chromium and fail on what a reader would hit.

Serves `_docs` with `python -m http.server` on 127.0.0.1 (a free port), visits every page in the sidebar
(`nbs/sidebar.yml`, as the rendered sidebar links them) and fails on: a page or asset the server answers with an HTTP
error (404: a missing page), a JavaScript error (`pageerror`) or a console error, a sidebar that does not link every
notebook, and a config module's page (`typed_config`, `adapter_configs`, `config`) without the field table of each of
its config dataclasses (checked against `field_docs`). Requests to other hosts are answered empty here (CI has no
internet) and listed. Screenshots go to `_docs_check/`.

Uses the system Chromium (Debian's `chromium`; `$CHROMIUM` names another binary): never `playwright install`.
Usage: python .ci/check_site.py [--docs _docs] [--out _docs_check]"""
import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml
from playwright.sync_api import sync_playwright

root = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def sidebar_entries(path: Path) -> list:
    "The notebook/page entries of nbdev's generated `sidebar.yml`, sections flattened."
    def walk(items):
        for item in items:
            if isinstance(item, str): yield item
            elif isinstance(item, dict):
                if "href" in item: yield item["href"]
                yield from walk(item.get("contents", []))
    return list(walk(yaml.safe_load(path.read_text(encoding="utf-8"))["website"]["sidebar"]["contents"]))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(folder: Path):
    "Start `python -m http.server` on 127.0.0.1 for `folder`; returns (process, base URL) once it answers."
    for _ in range(5):
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            if proc.poll() is not None: break  # port taken meanwhile: try another
            try:
                urllib.request.urlopen(base, timeout=1).close()
                return proc, base
            except OSError: time.sleep(0.05)
        proc.kill(); proc.wait()
    raise RuntimeError("could not start http.server")


def plain(text: str) -> str:
    "Text as a reader sees it: no markdown backticks, straight quotes (pandoc's are curly), single spaces."
    for a, b in (("`", ""), ("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')): text = text.replace(a, b)
    return " ".join(text.split())


CONFIG_MODULES = ("typed_config", "adapter_configs", "config")  # their pages hold the config field tables


def config_expectations(module_name: str) -> dict:
    "`{anchor: (class name, [(field, description)])}` for every config dataclass with fields of a config module."
    import dataclasses
    import importlib
    from baseline_kit.docs import field_docs
    module = importlib.import_module(f"baseline_kit.{module_name}")
    found = {}
    for name in module.__all__:
        cls = getattr(module, name)
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and dataclasses.fields(cls):
            found[name.lower()] = (name, [(d.name, plain(d.doc)) for d in field_docs(cls)])
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default=str(root / "_docs"))
    parser.add_argument("--out", default=str(root / "_docs_check"))
    args = parser.parse_args()
    docs, out = Path(args.docs), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    entries = sidebar_entries(root / "nbs" / "sidebar.yml")
    problems, external = [], set()
    t0 = time.time()

    server, base = serve(docs)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            current = {"url": ""}

            def on_route(route):
                if route.request.url.startswith(base): route.continue_()
                else:
                    external.add(urlsplit(route.request.url).netloc)
                    route.fulfill(status=200, body="", content_type="text/plain")

            def on_response(response):
                if response.status >= 400 and response.url.startswith(base):
                    problems.append(f"{current['url']}: HTTP {response.status} for {response.url}")

            page.route("**/*", on_route)
            page.on("response", on_response)
            page.on("pageerror", lambda e: problems.append(f"{current['url']}: JavaScript error: {e}"))
            page.on("console", lambda m: m.type == "error" and problems.append(f"{current['url']}: console error: {m.text}"))
            page.on("requestfailed", lambda r: r.url.startswith(base) and problems.append(f"{current['url']}: request failed: {r.url} ({r.failure})"))

            def visit(url):
                current["url"] = url[len(base) - 1:]
                response = page.goto(url, wait_until="load", timeout=60_000)
                page.wait_for_load_state("networkidle", timeout=30_000)
                if response is None or response.status >= 400: problems.append(f"{current['url']}: HTTP {response and response.status}")
                return response

            visit(base + "index.html")
            links = page.eval_on_selector_all("#quarto-sidebar a.sidebar-link", "els => els.map(e => e.href)")
            pages = list(dict.fromkeys(urljoin(base, l).split("#")[0] for l in links if l.startswith(base)))
            if len(pages) != len(entries):
                problems.append(f"the sidebar links {len(pages)} pages, sidebar.yml lists {len(entries)}: {pages}")
            page.screenshot(path=str(out / "index.png"), full_page=False)

            config_urls = {}  # config module -> its page
            for url in pages:
                visit(url)
                title = page.title()
                if not page.query_selector("main h1"): problems.append(f"{current['url']}: no title heading ({title!r})")
                if page.query_selector("#quarto-sidebar a.sidebar-link.active") is None:
                    problems.append(f"{current['url']}: not marked active in the sidebar")
                page_name = urlsplit(url).path.rsplit("/", 1)[-1].removesuffix(".html")
                if page_name in CONFIG_MODULES: config_urls[page_name] = url
            print(f"site: {len(pages)} pages visited")

            for module_name in CONFIG_MODULES:
                if module_name not in config_urls: problems.append(f"no page {module_name}.html (baseline_kit.{module_name})"); continue
                visit(config_urls[module_name])
                expected = config_expectations(module_name)
                for anchor, (name, fields) in expected.items():
                    rows = page.eval_on_selector_all(f"section#{anchor} table tbody tr",
                                                     "trs => trs.map(tr => [...tr.cells].map(c => c.innerText.trim()))")
                    if not rows: problems.append(f"{module_name} page: no field table for {name}"); continue
                    got = [(r[0], plain(r[3])) for r in rows if len(r) == 4]
                    if got != fields: problems.append(f"{module_name} page: {name}'s table {got} != its fields {fields}")
                print(f"{module_name} page: field tables of {len(expected)} config dataclasses checked")
                if module_name == "config":
                    page.evaluate("document.querySelector('section#trainconfig')?.scrollIntoView()")
                    page.screenshot(path=str(out / "config.png"), full_page=False)
            browser.close()
    finally:
        server.kill(); server.wait()

    if external: print(f"requests to other hosts, answered empty: {', '.join(sorted(external))}")
    print(f"site check: {time.time() - t0:.1f}s, screenshots in {out}")
    if problems:
        print(f"{len(problems)} problem(s) on the docs site:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print("site: ok")


if __name__ == "__main__":
    main()
