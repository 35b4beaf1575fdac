#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Renders `mnscreen screen --format html` in a real browser (headless Debian chromium) and checks
what a person would get on paper and on screen.

usage: html_browser_test.py EXE CHROMIUM WORKDIR -- SCREEN-ARGS...

For each paper size (A4, Letter) the page is written with `--paper`, printed to PDF by chromium
and checked with poppler: pdfinfo gives the page size of that paper and 1-3 pages; pdftotext has
the decision, the earliest safe date, the flags' rule ids, "x reference" and the disclaimer;
pdftoppm rasterises the pages: the banner's Okabe-Ito colour (defer: sky blue) is on page 1 and a
low-band bar's (bluish green) on some page. A screenshot (PNG) is taken as well and its size checked;
the files stay in WORKDIR for a person to look at. Every external program runs with a timeout.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

TIMEOUT = 120
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--mute-audio", "--hide-scrollbars"]
# Page size in points and pdfinfo's name for it (chromium rounds A4 to its own pixel grid:
# 594.96 x 841.92, so sizes are compared within 1 pt).
PAPERS = {"a4": ((595.28, 841.89), "A4"), "letter": ((612.0, 792.0), "letter")}


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, **kw)


def chromium(exe, profile, *args):
    return run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args])


def ppm_colours(path):
    """The set of (r, g, b) of a binary PPM (P6, maxval 255)."""
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    if not m:
        raise ValueError("not a P6 PPM")
    w, h = int(m.group(1)), int(m.group(2))
    px = data[m.end():m.end() + w * h * 3]
    return {px[i:i + 3] for i in range(0, len(px), 3)}


def near(colours, rgb, tol=12):
    return any(all(abs(c[i] - rgb[i]) <= tol for i in range(3)) for c in colours)


def main(argv):
    if len(argv) < 5 or argv[4] != "--":
        print(__doc__)
        return 2
    exe, chrome, work = argv[1], argv[2], argv[3]
    args = argv[5:]
    os.makedirs(work, exist_ok=True)
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)

    js = run([exe, "screen", *args, "--format", "json"])
    if js.returncode != 0:
        print("mnscreen failed:", js.stderr.decode(errors="replace"))
        return 1
    import json
    rep = json.loads(js.stdout)
    profile = tempfile.mkdtemp(prefix="mnscreen-chromium-")
    try:
        for paper, (size, name) in PAPERS.items():
            page = run([exe, "screen", *args, "--format", "html", "--paper", paper])
            check(page.returncode == 0, f"{paper}: mnscreen --format html failed")
            html_path = os.path.join(work, f"report-{paper}.html")
            pdf_path = os.path.join(work, f"report-{paper}.pdf")
            with open(html_path, "wb") as f:
                f.write(page.stdout)
            if os.path.exists(pdf_path):
                os.remove(pdf_path)
            r = chromium(chrome, profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}",
                         "file://" + os.path.abspath(html_path))
            if not os.path.exists(pdf_path) or os.path.getsize(pdf_path) == 0:
                failures.append(f"{paper}: chromium wrote no PDF (exit {r.returncode}): "
                                f"{r.stderr.decode(errors='replace')[-500:]}")
                continue
            info = run(["pdfinfo", pdf_path]).stdout.decode()
            m = re.search(r"^Page size:\s+([0-9.]+) x ([0-9.]+) pts(.*)$", info, re.M)
            check(m is not None and abs(float(m.group(1)) - size[0]) < 1.0 and
                  abs(float(m.group(2)) - size[1]) < 1.0 and name in m.group(3),
                  f"{paper}: page size {m.group(0) if m else None!r}, expected {size} ({name})")
            pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
            check(pages is not None and 1 <= int(pages.group(1)) <= 3,
                  f"{paper}: {pages.group(1) if pages else '?'} pages, expected 1-3")
            text = run(["pdftotext", "-enc", "UTF-8", pdf_path, "-"]).stdout.decode()
            flat = re.sub(r"\s+", " ", text)
            label = {"defer": "Defer", "proceed": "Proceed", "do_not_treat": "Do not treat",
                     "modify_plan": "Modify the plan",
                     "proceed_with_caution": "Proceed with caution"}[rep["decision"]]
            check(f"Decision: {label}" in flat, f"{paper}: PDF text lacks 'Decision: {label}'")
            if rep.get("defer_until"):
                check(f"Earliest safe date: {rep['defer_until']}" in flat,
                      f"{paper}: PDF text lacks the earliest safe date")
            for fl in rep["flags"]:
                check(fl["rule_id"] in flat, f"{paper}: PDF text lacks {fl['rule_id']}")
            check("\u00d7 reference" in flat, f"{paper}: PDF text lacks 'x reference'")
            check("Decision support, not a decision" in flat, f"{paper}: PDF lacks the disclaimer")
            check("knowledge version " + rep["knowledge_version"] in flat,
                  f"{paper}: PDF lacks the knowledge version")
            ppm_root = os.path.join(work, f"report-{paper}-page")
            for old in os.listdir(work):
                if old.startswith(f"report-{paper}-page") and old.endswith(".ppm"):
                    os.remove(os.path.join(work, old))
            run(["pdftoppm", "-r", "60", pdf_path, ppm_root])
            ppms = sorted(p for p in os.listdir(work) if p.startswith(f"report-{paper}-page")
                          and p.endswith(".ppm"))
            check(pages is not None and len(ppms) == int(pages.group(1)),
                  f"{paper}: pdftoppm gave {ppms}")
            if ppms:
                # The banner is on page 1; the chart may be on a later page (it is not split).
                first = ppm_colours(os.path.join(work, ppms[0]))
                colours = set()
                for ppm in ppms:
                    colours |= ppm_colours(os.path.join(work, ppm))
                banner = {"defer": (0x56, 0xB4, 0xE9), "proceed": (0x00, 0x9E, 0x73),
                          "do_not_treat": (0xD5, 0x5E, 0x00), "modify_plan": (0xE6, 0x9F, 0x00),
                          "proceed_with_caution": (0xF0, 0xE4, 0x42)}[rep["decision"]]
                check(near(first, banner), f"{paper}: banner colour not on page 1")
                if any(r["band"] == "low" for r in rep["risks"].values()):
                    check(near(colours, (0x00, 0x9E, 0x73)), f"{paper}: no low-band bar colour")
        png_path = os.path.join(work, "report.png")
        if os.path.exists(png_path):
            os.remove(png_path)
        chromium(chrome, profile, "--window-size=900,1800", f"--screenshot={png_path}",
                 "file://" + os.path.abspath(os.path.join(work, "report-a4.html")))
        check(os.path.exists(png_path), "chromium wrote no screenshot")
        if os.path.exists(png_path):
            with open(png_path, "rb") as f:
                head = f.read(24)
            check(head[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG")
            w, h = struct.unpack(">II", head[16:24])
            check((w, h) == (900, 1800), f"screenshot is {w}x{h}, expected 900x1800")
            check(os.path.getsize(png_path) > 20000, "screenshot is (nearly) blank")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"ok: PDF (A4, Letter) and PNG in {work}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
