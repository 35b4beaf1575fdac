#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks `mnscreen screen --format html` against the same screen's JSON report.

usage: check_html.py EXE [--expect-text TEXT]... -- SCREEN-ARGS...

Runs `EXE screen SCREEN-ARGS --format json` and `... --format html`, parses the page with
html.parser under strict rules (every element closed in order, void elements only as void
elements, no stray end tags, no duplicate ids), and checks that:
  - the page is self-contained: no <script>, <link>, <img>, <iframe>, <object>, <embed>, no
    event-handler attribute, no src/href/xlink:href attribute, no url(...) or @import in CSS;
  - print CSS: an @page rule;
  - the banner states the decision and the earliest safe date (defer_until when present);
  - every flag is an <article data-rule-id> inside the effect group of its effect, with its
    reason, action and evidence levels as text;
  - questions are an ordered list in the report's order;
  - the SVG chart has one row per complication with a bar, a reference mark (when reference > 0)
    and a text label naming the score, the band and "x reference";
  - prep and aftercare are checklists with the report's items in order;
  - the footer names the library and knowledge versions, the policy, the model and carries the
    disclaimer;
  - every --expect-text TEXT occurs in the page's text (not its markup).
Exit 0 when every check passes, 1 with one line per failure otherwise.
"""
import html.parser
import json
import re
import subprocess
import sys

VOID = {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "col", "area", "base",
        "embed", "param", "track"}
SVG_LEAVES = {"line", "rect", "path", "circle", "polyline", "polygon", "ellipse"}
FORBIDDEN = {"script", "link", "img", "iframe", "object", "embed", "frame", "frameset", "base",
             "form", "audio", "video", "source", "image", "use", "foreignobject"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []
        self.content = []  # text (str) and child nodes, in document order

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def find_all(self, tag=None, **attrs):
        for n in self.iter():
            if tag is not None and n.tag != tag:
                continue
            if all((v in n.attrs.get("class", "").split()) if k == "class_" else
                   n.attrs.get(k) == v for k, v in attrs.items()):
                yield n

    def find(self, tag=None, **attrs):
        return next(self.find_all(tag, **attrs), None)


class Strict(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.cur = self.root
        self.errors = []
        self.ids = set()
        self.doctype = None
        self.text_order = []  # (node, text) in document order

    def _start(self, tag, attrs, closed):
        if tag in FORBIDDEN:
            self.errors.append(f"forbidden element <{tag}>")
        for k, v in attrs:
            if k.startswith("on"):
                self.errors.append(f"event handler attribute {k} on <{tag}>")
            if k in ("src", "href", "xlink:href", "srcset", "action", "formaction", "poster"):
                self.errors.append(f"external reference {k}={v!r} on <{tag}>")
            if k == "style" and v and ("url(" in v or "@import" in v):
                self.errors.append(f"url() in a style attribute on <{tag}>")
            if k == "id":
                if v in self.ids:
                    self.errors.append(f"duplicate id {v!r}")
                self.ids.add(v)
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        self.cur.content.append(node)
        if not closed and tag not in VOID:
            self.cur = node
        elif closed and tag not in VOID and tag not in SVG_LEAVES and tag != "svg":
            self.errors.append(f"<{tag}/> self-closed but not a void or SVG leaf element")

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, True)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append(f"end tag of void element </{tag}>")
            return
        if self.cur.tag != tag:
            self.errors.append(f"</{tag}> closes <{self.cur.tag}> (line {self.getpos()[0]})")
            return
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.content.append(data)
        self.text_order.append(data)

    def handle_decl(self, decl):
        self.doctype = decl

    def unknown_decl(self, data):
        self.errors.append(f"unknown declaration {data!r}")

    def handle_pi(self, data):
        self.errors.append(f"processing instruction {data!r}")


def node_text(n):
    """Text of a node and its descendants, in document order, whitespace squashed."""
    parts = []

    def walk(x):
        for c in x.content:
            if isinstance(c, str):
                parts.append(c)
            else:
                walk(c)

    walk(n)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def squash(s):
    return re.sub(r"\s+", " ", s).strip()


DECISION_LABEL = {
    "proceed": "Proceed", "proceed_with_caution": "Proceed with caution",
    "modify_plan": "Modify the plan", "defer": "Defer", "do_not_treat": "Do not treat",
    "cannot_screen": "Cannot screen",
}


def main(argv):
    if "--" not in argv:
        print(__doc__)
        return 2
    sep = argv.index("--")
    exe = argv[1]
    expect = []
    opts = argv[2:sep]
    i = 0
    while i < len(opts):
        if opts[i] == "--expect-text":
            expect.append(opts[i + 1])
            i += 2
        else:
            print(f"unknown option {opts[i]}")
            return 2
    args = argv[sep + 1:]
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)

    js = subprocess.run([exe, "screen", *args, "--format", "json"], capture_output=True,
                        timeout=60)
    page = subprocess.run([exe, "screen", *args, "--format", "html"], capture_output=True,
                          timeout=60)
    if js.returncode != 0 or page.returncode != 0:
        print(f"mnscreen failed: json exit {js.returncode}, html exit {page.returncode}: "
              f"{page.stderr.decode(errors='replace')}")
        return 1
    rep = json.loads(js.stdout)
    text = page.stdout.decode("utf-8")  # must be valid UTF-8
    check(page.stderr == b"", "stderr not empty")

    p = Strict()
    p.feed(text)
    p.close()
    failures.extend(p.errors)
    check(p.cur is p.root, f"unclosed element <{p.cur.tag}> at the end")
    check(p.doctype is not None and p.doctype.lower() == "doctype html", "no <!DOCTYPE html>")
    root = p.root
    htmls = [c for c in root.children if c.tag == "html"]
    check(len(htmls) == 1, "not exactly one <html> element")
    if not htmls:
        print("\n".join(failures))
        return 1
    doc = htmls[0]
    check([c.tag for c in doc.children] == ["head", "body"], "html has not exactly head, body")
    check(doc.find("meta", charset="utf-8") is not None, "no <meta charset=utf-8>")
    check(doc.find("title") is not None and node_text(doc.find("title")), "no title")
    styles = list(doc.find_all("style"))
    check(len(styles) == 1, "not exactly one <style>")
    css = node_text(styles[0]) if styles else ""
    check("@page" in css, "no @page rule in the style sheet")
    check("@media print" in css, "no print media rule")
    check("url(" not in css and "@import" not in css, "the style sheet fetches something")

    # Banner.
    banner = doc.find("header", id="decision")
    check(banner is not None, "no decision banner")
    if banner is not None:
        word = banner.find("span", class_="decision-word")
        check(word is not None and word.attrs.get("data-decision") == rep["decision"],
              f"banner decision is not {rep['decision']}")
        check(word is not None and node_text(word) == DECISION_LABEL[rep["decision"]],
              "banner decision label")
        safe = banner.find("p", id="earliest-safe-date")
        check(safe is not None, "no earliest safe date")
        if safe is not None and rep.get("defer_until"):
            check(rep["defer_until"] in node_text(safe), "earliest safe date is not defer_until")
        check((banner.find("p", id="incomplete") is not None) == (not rep["complete"]),
              "incomplete notice does not match complete")
        if rep.get("decision_before_overrides"):
            check(banner.find("p", id="decision-before-overrides") is not None,
                  "decision_before_overrides not shown")

    # Flags, grouped by effect, in the report's order within each group.
    flags_sec = doc.find("section", id="flags")
    check(flags_sec is not None, "no findings section")
    articles = list(doc.find_all("article", class_="flag"))
    check(len(articles) == len(rep["flags"]), "not one article per flag")
    for f in rep["flags"]:
        a = doc.find("article", **{"data-rule-id": f["rule_id"]})
        check(a is not None, f"flag {f['rule_id']} missing")
        if a is None:
            continue
        group = a.parent
        check(group.tag == "section" and group.attrs.get("data-effect") == f["effect"],
              f"flag {f['rule_id']} not in the {f['effect']} group")
        body = node_text(a)
        check(squash(f["reason"]) in body, f"reason of {f['rule_id']} missing")
        check(squash(f["action"]) in body, f"action of {f['rule_id']} missing")
        for e in f["evidence"]:
            check(e["level"] in body and squash(e["source"]) in body,
                  f"evidence {e['source']!r} of {f['rule_id']} missing")
        if f.get("override"):
            check(a.find("div", class_="override") is not None, f"override of {f['rule_id']}")
    effects = [s.attrs.get("data-effect") for s in doc.find_all("section", class_="effect-group")]
    order = ["do_not_treat", "defer", "modify_plan", "proceed_with_caution", "info"]
    check(effects == sorted(effects, key=order.index), f"effect groups out of order: {effects}")

    # Questions, in the report's order.
    qs = [q["factor"] for q in rep["questions"]]
    items = [li.attrs.get("data-factor") for li in doc.find_all("li") if "data-factor" in li.attrs]
    check(items == qs, f"questions {items} are not the report's {qs}")
    if qs:
        ol = doc.find("ol", class_="questions")
        check(ol is not None, "questions are not an ordered list")

    # Risk chart: inline SVG, one row per complication, labelled in text.
    svg = doc.find("svg", class_="risk-chart")
    check(svg is not None, "no inline SVG risk chart")
    if svg is not None:
        check(svg.attrs.get("xmlns") == "http://www.w3.org/2000/svg", "svg without xmlns")
        check(svg.find("title") is not None, "svg without a title")
        rows = list(svg.find_all("g", class_="risk-row"))
        check(len(rows) == len(rep["risks"]), "not one chart row per risk")
        for g in rows:
            name = g.attrs.get("data-complication")
            r = rep["risks"].get(name)
            check(r is not None, f"chart row {name} is not a risk of the report")
            if r is None:
                continue
            check(g.attrs.get("data-band") == r["band"], f"chart band of {name}")
            bar = g.find("rect", class_="bar")
            check(bar is not None and re.fullmatch(r"#[0-9A-F]{6}", bar.attrs.get("fill", "")),
                  f"chart bar of {name}")
            if r.get("reference", 0) > 0:
                check(g.find("line", class_="reference") is not None, f"reference mark of {name}")
            label = node_text(g)
            check(name in label and f"{r['score']:.3f}" in label and r["band"] in label,
                  f"chart label of {name}: {label!r}")
            if r.get("reference", 0) > 0:
                check("\u00d7 reference" in label, f"chart label of {name} lacks x reference")
    table_rows = [tr for tr in doc.find_all("tr") if "data-complication" in tr.attrs]
    check(len(table_rows) == len(rep["risks"]), "risk table rows")

    # Checklists.
    for key in ("prep", "aftercare"):
        sec = doc.find("section", id=key)
        if not rep[key]:
            check(sec is None, f"empty {key} shown")
            continue
        check(sec is not None, f"no {key} section")
        if sec is None:
            continue
        ul = sec.find("ul", class_="checklist")
        check(ul is not None, f"{key} is not a checklist")
        lis = [node_text(li) for li in ul.find_all("li")] if ul is not None else []
        check(lis == [squash(s) for s in rep[key]], f"{key} items differ from the report")
        check(all(li.find("span", class_="box") is not None for li in ul.find_all("li")),
              f"{key} items without a box")

    # Footer.
    footer = doc.find("footer", id="footer")
    check(footer is not None, "no footer")
    if footer is not None:
        ft = node_text(footer)
        for what in (rep["knowledge_version"], rep["library_version"], rep["policy"]["name"],
                     rep["model"]):
            check(squash(what) in ft, f"footer lacks {what!r}")
        check("Decision support" in ft and "does not replace" in ft, "footer lacks the disclaimer")

    page_text = squash(" ".join(p.text_order))
    for e in expect:
        check(e in page_text, f"page text lacks {e!r}")

    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"ok: {len(rep['flags'])} flags, {len(qs)} questions, {len(rep['risks'])} risks")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
