"""
axe-core in the browser tests: a page must have no WCAG 2.1 A/AA violation.

中文：无障碍检查（axe-core，WCAG 2.1 A/AA 零违规）

Any e2e test calls ``assert_accessible(page)`` on each page it visits. axe is
static/vendor/axe/axe.min.js (vendored, see its README), put into the page by
Playwright (no template loads it).
Only the WCAG 2.0/2.1 A and AA rules run (not axe's "best-practice" rules),
in the page's current state: large-text mode, an open dialog or a failed form
are checked as they are shown.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.templatetags.static import static

from playwright.sync_api import Error as PlaywrightError

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def axe_source() -> str:
    """Return the vendored axe-core script (read once per test process)."""
    path = Path(settings.BASE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"
    return path.read_text(encoding="utf-8")


def axe_inject(page: Any) -> None:
    """Load axe into ``page`` unless it is there.

    From our own static files first: the site's Content-Security-Policy allows
    scripts from 'self' only, so an inline copy would be refused. Inline
    (read from disk) where static files are not served.
    """
    if page.evaluate("typeof window.axe === 'object'"):
        return
    try:
        page.add_script_tag(url=static("vendor/axe/axe.min.js"))
    except PlaywrightError:
        # Evaluated through the DevTools protocol, not as a <script> tag: the
        # pages' Content-Security-Policy allows no inline script.
        page.evaluate(axe_source())


def axe_violations(page: Any, *, exclude: list[str] | None = None) -> list[dict]:
    """Run axe-core on ``page`` and return its WCAG 2.1 A/AA violations.

    ``exclude`` lists CSS selectors axe skips (for a third-party widget the
    project does not draw; none are excluded today).
    """
    axe_inject(page)
    context: dict[str, Any] = {"include": [["html"]]}
    if exclude:
        context["exclude"] = [[selector] for selector in exclude]
    return page.evaluate(
        """([context, tags]) => axe.run(context, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        }).then(r => r.violations.map(v => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({
                target: n.target.join(" "),
                html: n.html.slice(0, 160),
                summary: n.failureSummary,
            })),
            count: v.nodes.length,
        })))""",
        [context, WCAG_TAGS],
    )


DANGLING_REFS_JS = """() => {
    const attrs = ["aria-describedby", "aria-labelledby", "aria-controls",
                   "aria-errormessage", "for"];
    const out = [];
    for (const el of document.querySelectorAll(attrs.map(a => `[${a}]`).join(","))) {
        for (const attr of attrs) {
            if (attr === "for" && el.tagName !== "LABEL") continue;
            for (const id of (el.getAttribute(attr) || "").split(/\\s+/)) {
                if (id && !document.getElementById(id)) {
                    out.push(`${el.outerHTML.slice(0, 120)}: ${attr}="${id}"`);
                }
            }
        }
    }
    return out;
}"""


def dangling_references(page: Any) -> list[str]:
    """Return the ARIA/label references on ``page`` that name no element.

    axe passes ``aria-describedby="id_matter_helptext"`` when nothing has that
    id (the description is simply lost); a screen reader user misses the
    help text, so the e2e tests count it as a failure too.
    """
    return page.evaluate(DANGLING_REFS_JS)


def describe(violations: list[dict]) -> str:
    """Return the violations as readable lines for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['count']} 处)")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}  {node['html']}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page: Any, *, exclude: list[str] | None = None) -> None:
    """Fail unless axe-core finds no WCAG 2.1 A/AA violation on ``page``.

    Also fails on a dangling ``aria-describedby``/``aria-labelledby``/
    ``label for`` (see ``dangling_references``).
    """
    violations = axe_violations(page, exclude=exclude)
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"
    dangling = dangling_references(page)
    assert not dangling, f"references to no element on {page.url}:\n" + "\n".join(
        dangling
    )
