"""The HTML report: one self-contained page (inline CSS, inline SVG, a few lines of inline script, nothing
fetched) to debug a client from. It opens with the verdict and a summary per family; then each failure
with the requests the mock saw for it (method, path, raw query, headers and bodies with secrets masked,
the answer), for a refused signature both prehashes side by side, and the command that replays the check;
then a request-rate timeline per rate-limited endpoint; then every check."""

from __future__ import annotations

import html
import shlex
from collections.abc import Iterable

from mock_exchange.journal import JournalEntry

from .checks.base import Status, Verdict
from .evidence import RefusedSignature
from .report import family_rows, summary
from .runner import RunResult
from .timeline import svg, timelines

_MARK = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.SKIP: "skip", Status.ERROR: "ERROR"}
# nothing may be fetched: a report that needs the network is not self-contained (and a browser says so)
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:76em;color:#1d2330;padding:0 1em}
h1{font-size:1.6em;margin:.2em 0} h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:1px solid #e3e6ec}
h3{font-size:1.05em;margin:.2em 0 .4em} .sum{color:#4a5160}
header.verdict{padding:.8em 1.1em;border-radius:6px;margin-bottom:1em} header.failed{background:#fbe9e7}
header.passed{background:#e6f4ea} header.failed h1{color:#b3261e} header.passed h1{color:#137333}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.3em .55em;vertical-align:top}
th{background:#eef0f4;font-weight:600} tr{border-bottom:1px solid #e3e6ec}
.pass{color:#137333;font-weight:600} .fail{color:#b3261e;font-weight:700} .skip{color:#8a8f99}
.error{color:#a0520b;font-weight:700} .sev-critical{color:#b3261e} .sev-major{color:#a0520b}
.sev-minor{color:#5f6673} code,pre{font:12px ui-monospace,monospace} pre{white-space:pre-wrap;margin:.3em 0;
background:#f6f7f9;padding:.5em;border-radius:4px;overflow-wrap:anywhere} details summary{cursor:pointer;color:#4a5160}
article.failure{border:1px solid #e3e6ec;border-left:4px solid #b3261e;border-radius:4px;padding:.6em 1em;
margin:1em 0} article.failure.minor{border-left-color:#8a8f99} article.failure.status-error{border-left-color:#a0520b}
.requests td{font:12px ui-monospace,monospace} .requests tr.r429 td,.requests tr.refused td{background:#fdf1f0}
.prehash{background:#fff8e1;border:1px solid #f0d48a;border-radius:4px;padding:.4em .7em;margin:.5em 0}
.prehash th{background:none;width:11em} .replay{background:#1d2330;color:#e8eaf0}
.timeline .tick{font:10px system-ui;fill:#5f6673} .timeline .axis{font:11px system-ui;fill:#4a5160}
.timeline .limit-label{font:11px system-ui;fill:#b3261e} figure{margin:.8em 0} figcaption{color:#4a5160}
.warn{background:#fff4d6;border-left:3px solid #c98a00;padding:.3em .6em;margin:.3em 0}
body.only-failures #all tr.row-pass,body.only-failures #all tr.row-skip{display:none}
"""
_SCRIPT = """
(function () {
  var box = document.getElementById('only-failures');
  box.addEventListener('change', function () { document.body.classList.toggle('only-failures', box.checked); });
  function reveal() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target) { var d = target.querySelector('details'); if (d) { d.open = true; } }
  }
  window.addEventListener('hashchange', reveal);
  reveal();
  var drawn = Array.prototype.filter.call(document.querySelectorAll('svg.timeline'), function (c) {
    return c.getBoundingClientRect().width > 0;
  });
  document.documentElement.setAttribute('data-failures', String(document.querySelectorAll('article.failure').length));
  document.documentElement.setAttribute('data-charts-drawn', String(drawn.length));
})();
"""


def e(text: object) -> str:
    return html.escape(str(text))


def replay_command(result: RunResult, v: Verdict) -> str:
    """The command that reruns this one check as the run ran it."""
    return shlex.join([*result.command, "--checks", v.check.id]) if result.command else ""


def _warnings(v: Verdict) -> str:
    return "".join(f'<p class="warn">WARNING: {e(w)}</p>' for w in v.warnings)


def _request_rows(requests: list[JournalEntry], refused: dict[int, RefusedSignature]) -> str:
    if not requests:
        return "<p class=\"sum\">The mock saw no request from the client during this check.</p>"
    t0 = int(requests[0].get("ts", 0))
    rows = []
    for i, r in enumerate(requests):
        status, code = r.get("status"), r.get("code")
        cls = "r429" if status == 429 else "refused" if code not in (None, "00000") else ""
        fault = f"fault #{r['fault']}" if r.get("fault") else ""
        query = r.get("query", "")
        rows.append(f'<tr class="{cls}"><td>{i + 1}</td><td>+{int(r.get("ts", t0)) - t0}</td><td>{e(r.get("method"))}'
                    f'</td><td>{e(r.get("path"))}</td><td>{e(query) if query else "&nbsp;"}</td>'
                    f'<td>{e(status if status is not None else "no answer")}</td><td>{e(code or "")}</td>'
                    f"<td>{e(fault)}</td></tr>")
        detail = []
        headers = r.get("headers")
        if headers:
            detail.append("<b>headers</b><pre>" + e("\n".join(f"{k}: {val}" for k, val in headers)) + "</pre>")
        if r.get("body"):
            more = f" (first {len(r['body'])} of {r.get('bodyBytes')} bytes)" if r.get("bodyBytes", 0) > len(
                r["body"].encode()) else ""
            detail.append(f"<b>body{more}</b><pre>{e(r['body'])}</pre>")
        if r.get("answer") is not None and "answer" in r:
            detail.append(f"<b>answer (HTTP {e(status)})</b><pre>{e(r.get('answer'))}</pre>")
        if i in refused:
            detail.append(_prehash(refused[i]))
        if detail:
            rows.append(f'<tr class="{cls}"><td></td><td colspan="7"><details{" open" if i in refused else ""}>'
                        f"<summary>request {i + 1} as the mock saw it</summary>{''.join(detail)}</details></td></tr>")
    return ("<table class=\"requests\"><thead><tr><th>#</th><th>ms</th><th>method</th><th>path</th><th>raw query"
            "</th><th>HTTP</th><th>code</th><th></th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _prehash(s: RefusedSignature) -> str:
    client = f"<code>{e(s.client)}</code>" if s.client is not None else "<i>not found</i>"
    return (f'<div class="prehash"><b>40009: the signature does not match</b><table>'
            f"<tr><th>the server computed</th><td><code>{e(s.server)}</code></td></tr>"
            f"<tr><th>the client signed</th><td>{client}</td></tr></table><p>{e(s.finding)}</p></div>")


def _failure(result: RunResult, v: Verdict) -> str:
    refused = {s.index: s for s in v.evidence.signatures}
    ev = v.evidence
    parts = [f'<article class="failure {v.check.severity.value} status-{v.status.value}" id="{e(v.check.id)}">'
             f'<h3><code>{e(v.check.id)}</code> <span class="sev-{v.check.severity.value}">{v.check.severity.value}'
             f'</span> <span class="{v.status.value}">{_MARK[v.status]}</span> {e(v.check.title)}</h3>'
             f'<p class="sum">{e(v.check.doc)}</p><pre class="message">{e(v.message)}</pre>{_warnings(v)}']
    for s in ev.signatures[:3]:
        parts.append(_prehash(s))
    command = replay_command(result, v)
    if command:
        parts.append(f'<p>Replay this check:</p><pre class="replay"><code>{e(command)}</code></pre>')
    for t in timelines(v):
        parts.append(f"<figure>{svg(t)}<figcaption>{e(t.caption)}</figcaption></figure>")
    kept = f", {ev.truncated} past the first ones without headers and bodies" if ev.truncated else ""
    parts.append(f"<details open><summary>{len(ev.requests)} request(s) the mock saw for this check{kept}"
                 f"</summary>{_request_rows(ev.requests, refused)}</details>")
    if v.notes:
        parts.append("<details><summary>observed</summary><ul>"
                     + "".join(f"<li><code>{e(n)}</code></li>" for n in v.notes) + "</ul></details>")
    parts.append("</article>")
    return "".join(parts)


def _families(result: RunResult) -> str:
    rows = []
    for row in family_rows(result):
        blocking = ", ".join(f'<a href="#{e(i)}">{e(i)}</a>' for i in row.blocking) or "&nbsp;"
        cls = "fail" if row.blocking else "pass" if row.failed == row.errors == 0 else "skip"
        rows.append(f'<tr><td><b>{e(row.family)}</b></td><td>{row.checks}</td><td>{row.passed}</td>'
                    f'<td>{row.failed}</td><td>{row.errors}</td><td>{row.skipped}</td>'
                    f'<td class="{cls}">{blocking}</td></tr>')
    return ("<table id=\"families\"><thead><tr><th>family</th><th>checks</th><th>passed</th><th>failed</th>"
            "<th>errors</th><th>skipped</th><th>critical/major failures</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _all(result: RunResult) -> str:
    rows = []
    for v in result.verdicts:
        ident = (f'<a href="#{e(v.check.id)}">{e(v.check.id)}</a>' if v.status in (Status.FAIL, Status.ERROR)
                 else e(v.check.id))
        first = f"<br><small>{e(v.message.splitlines()[0])}</small>" if v.message else ""
        rows.append(f'<tr class="row-{v.status.value}"><td><code>{ident}</code></td>'
                    f'<td class="sev-{v.check.severity.value}">{v.check.severity.value}</td>'
                    f'<td class="{v.status.value}">{_MARK[v.status]}</td><td>{v.seconds:.2f}&nbsp;s</td>'
                    f"<td>{e(v.check.title)}{first}{_warnings(v)}</td></tr>")
    return ("<table id=\"all\"><thead><tr><th>check</th><th>severity</th><th>verdict</th><th>time</th><th>what</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _rate_section(verdicts: Iterable[Verdict]) -> str:
    figures = [f"<figure>{svg(t)}<figcaption>{e(t.caption)}</figcaption></figure>"
               for v in verdicts for t in timelines(v)]
    if not figures:
        return ""
    return ("<h2>Request rate against the limits</h2><p class=\"sum\">Per check and rate-limited endpoint: the "
            "client's requests in the limiter's window at each arrival (the mock's clock), the limit dashed, "
            "429 answers in red.</p>" + "".join(figures))


def html_report(result: RunResult) -> str:
    failed = [v for v in result.verdicts if v.status in (Status.FAIL, Status.ERROR)]
    blocking = result.blocking_failures
    verdict = "FAILED" if blocking else "PASSED"
    headline = (f"{len(blocking)} critical/major failure(s)" if blocking
                else "every critical and major check passed" + (f" ({len(failed)} minor failure(s))" if failed else ""))
    props = "".join(f"<li>{e(k)}: <code>{e(val)}</code></li>" for k, val in result.properties.items())
    body = [f'<header class="verdict {verdict.lower()}"><h1>{verdict}: <code>{e(result.adapter)}</code>, {headline}'
            f'</h1><p class="sum">{e(summary(result))}</p></header>',
            "<h2>By family</h2>", _families(result)]
    if failed:
        body.append(f"<h2>Failures ({len(failed)})</h2>")
        body.extend(_failure(result, v) for v in failed)
    body.append(_rate_section(result.verdicts))
    body.append('<h2>All checks</h2><p><label><input type="checkbox" id="only-failures"> failures only</label></p>')
    body.append(_all(result))
    body.append(f'<h2>Run</h2><ul class="sum">{props}</ul>')
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            f"<title>bitget-conformance: {e(result.adapter)} {verdict}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(body)}<script>{_SCRIPT}</script></body></html>\n")
