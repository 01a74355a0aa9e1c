"""The HTML report: one self-contained page (no scripts, no external files).

At the top, the verdict, the coverage by level (of the checks in scope, how
many ran), the gaps of the run with the target lines that close them, and a
matrix: one row per RFC section, one column per outcome, the counts coloured.
Below, every check of each section; each failure, warning, advice and error
opens to the HTTP exchanges that proved it, secrets masked.
"""

import datetime
from html import escape

from ..requirements import RFC_TITLES, document_name
from ..results import ADVISED, ERROR, FAIL, OUTCOMES, PASS, SKIP, WARN, Results

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #1f2328; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 2em; }
.meta { color: #59636e; } .verdict { font-weight: bold; padding: .1em .5em; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border-bottom: 1px solid #d1d9e0; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.n { text-align: center; width: 5em; font-variant-numeric: tabular-nums; }
.pass { background: #dafbe1; } .fail { background: #ffd8d3; } .warn { background: #fff1c2; }
.skip { background: #f0f2f4; color: #59636e; } .error { background: #ffd8f0; } .zero { color: #c8ced4; }
.advice { background: #ddf4ff; } .incomplete { background: #fff1c2; } table.coverage { width: auto; }
.badge { display: inline-block; min-width: 3.5em; text-align: center; border-radius: 3px; font-size: .85em;
         font-weight: 600; padding: 0 .4em; }
code, pre { font: 12.5px/1.4 ui-monospace, monospace; } pre { background: #f6f8fa; padding: .6em; overflow-x: auto;
         white-space: pre-wrap; word-break: break-all; margin: .3em 0; }
details { margin: .3em 0 .6em; } summary { cursor: pointer; color: #0969da; }
.rule { color: #59636e; font-size: .9em; } a { color: #0969da; }
table.matrix td.req { max-width: 0; width: 100%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
table.matrix td, table.matrix th { padding: .2em .6em; white-space: nowrap; }
"""


def _badge(outcome: str) -> str:
    return f'<span class="badge {outcome}">{outcome}</span>'


def _exchange(number: int, exchange: dict) -> str:
    request, response = exchange["request"], exchange["response"]
    head = f"{request['method']} {request['url']}\n" + "".join(f"{k}: {v}\n" for k, v in request["headers"].items())
    body = f"\n{request['body']}" if request["body"] else ""
    parts = [f"<p><b>Exchange {number}</b></p><pre>{escape(head + body)}</pre>"]
    if response:
        head = f"HTTP {response['status']}\n" + "".join(f"{k}: {v}\n" for k, v in response["headers"].items())
        body = f"\n{response['body']}" if response["body"] else ""
        parts.append(f"<pre>{escape(head + body)}</pre>")
    if exchange["error"]:
        parts.append(f"<pre>{escape(exchange['error'])}</pre>")
    return "".join(parts)


def _check_row(result: dict) -> str:
    message = f"<div>{escape(result['message'])}</div>" if result["message"] else ""
    if result.get("fix"):
        message += f"<div>to run it: <code>{escape(result['fix'])}</code></div>"
    evidence = ""
    if result["exchanges"]:
        shown = "".join(_exchange(i, e) for i, e in enumerate(result["exchanges"], 1))
        evidence = f"<details><summary>{len(result['exchanges'])} HTTP exchange(s)</summary>{shown}</details>"
    return (
        f"<tr><td>{_badge(result['outcome'])}</td><td>{result['level']}</td>"
        f"<td><code>{escape(result['id'])}</code><div class=rule>{escape(result['summary'])}</div>"
        f"{message}{evidence}</td></tr>"
    )


def render(results: Results, target, masker) -> str:
    data = results.as_dict(target, masker)
    summary = data["summary"]
    by_id = {c["id"]: c for c in data["checks"]}
    verdict = summary["verdict"]
    started = datetime.datetime.fromtimestamp(data["started"], datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    who = escape(target.server.metadata_url or target.server.issuer or "")
    out = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta name=viewport content='width=device-width, initial-scale=1'>",
        f"<title>OAuth 2.0 conformance: {verdict}</title><style>{STYLE}</style></head><body>",
        "<h1>OAuth 2.0 conformance report</h1>",
        f"<p class=meta>{who} · {escape(target.path)} · approval driver {escape(target.approval.driver)} · "
        f"{started} · {data['duration']:.1f} s</p>",
        f"<p><span class='verdict {verdict.lower()}'>{verdict}</span> "
        f"{summary['checks']} checks: " + ", ".join(f"{summary[o]} {o}" for o in OUTCOMES) + "</p>",
        _coverage(summary),
        _gaps(summary),
        "".join(f"<p class=meta>Note: {escape(note)}</p>" for note in data["notes"]),
        "<h2>Sections × results</h2><table class=matrix><tr><th>RFC</th><th>Section</th><th>Requirement</th>"
        + "".join(f"<th>{o}</th>" for o in OUTCOMES)
        + "</tr>",
    ]
    sections = results.by_section()
    for rfc, section, group in sections:
        requirement = group[0].check.requirement
        link = f"<a href='{requirement.url}'>§{section}</a>" if requirement.url else escape(section)
        cells = []
        for outcome in OUTCOMES:
            n = sum(1 for r in group if r.outcome == outcome)
            cells.append(f"<td class='n {outcome if n else 'zero'}'>{n}</td>")
        anchor = f"{rfc}-{section}"
        out.append(
            f"<tr><td>{document_name(rfc)}</td><td>{link}</td><td class=req title='{escape(requirement.rule)}'>"
            f"<a href='#{anchor}'>{escape(requirement.rule)}</a></td>" + "".join(cells) + "</tr>"
        )
    out.append("</table>")
    for rfc, section, group in sections:
        title = RFC_TITLES.get(rfc, "")
        heading = f"{document_name(rfc)} §{escape(section)}"
        out.append(f"<h2 id='{rfc}-{section}'>{heading} <span class=rule>{escape(title)}</span></h2>")
        out.append("<table>")
        order = {FAIL: 0, ERROR: 1, WARN: 2, ADVISED: 3, PASS: 4, SKIP: 5}
        for result in sorted(group, key=lambda r: order[r.outcome]):
            out.append(_check_row(by_id[result.check.id]))
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def _coverage(summary: dict) -> str:
    """Per level: checks in scope, how many ran, how many are gaps of the run, how many not claimed."""
    rows = "".join(
        f"<tr><td>{level}</td><td class=n>{c['ran']}/{c['in_scope']}</td>"
        f"<td class='n {'incomplete' if c['gaps'] else 'zero'}'>{c['gaps']}</td>"
        f"<td class=n>{c['not_claimed']}</td></tr>"
        for level, c in summary["coverage"].items()
        if c["in_scope"] or c["not_claimed"]
    )
    return (
        "<h2>Coverage</h2><table class=coverage><tr><th>level</th><th>ran / in scope</th>"
        f"<th>not run: gap of the run</th><th>not claimed by the server</th></tr>{rows}</table>"
    )


def _gaps(summary: dict) -> str:
    if not summary["gaps"]:
        return ""
    items = "".join(
        f"<li><code>{escape(gap['fix'])}</code> lets {len(gap['checks'])} check(s) run: "
        + ", ".join(f"<code>{escape(check_id)}</code>" for check_id in gap["checks"])
        + "</li>"
        for gap in summary["gaps"]
    )
    return f"<h2>Gaps of this run: the target lines that would let them run</h2><ul>{items}</ul>"


def write(path: str, results: Results, target, masker) -> None:
    with open(path, "w", encoding="utf-8") as page:
        page.write(render(results, target, masker))
