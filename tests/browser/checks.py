"""Accessibility checks run inside the page: axe, reflow, clipped text, target size, focus style, and
moving the focus with the keyboard while checking it stays visible."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import ElementHandle, Page

# axe 4.12, bundled with axe-playwright-python. Injected with evaluate(): the app's CSP
# (script-src 'self') blocks add_script_tag.
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_22_AA,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(
                f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}".replace("\n", " ")
            )
    return "\n".join(lines)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when there is no sideways scrolling)."""
    overflow: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return overflow


# Text-bearing boxes whose content is wider than the box (so it is cut off or spills out), and boxes
# with hidden overflow whose text is cut at the bottom. The visually hidden texts are meant to be.
CLIPPED_TEXT_JS = """
() => {
  const selector = 'h1, h2, h3, p, label, legend, button, a, li, dt, dd, th, td, .hint, .error-message, '
    + '.caption, .panel__body, .receipt-code, .input, .textarea';
  const clipped = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.visually-hidden, .skip-link')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.display === 'none' || el.getClientRects().length === 0) continue;
    const hidden = style.overflowX !== 'visible' || style.overflowY !== 'visible';
    const wide = el.scrollWidth > el.clientWidth + 1;
    const cut = hidden && el.scrollHeight > el.clientHeight + 1 && !el.matches('.textarea');
    if (wide || cut) {
      clipped.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 40)}" `
        + `scroll ${el.scrollWidth}x${el.scrollHeight} > box ${el.clientWidth}x${el.clientHeight}`);
    }
  }
  return clipped;
}
"""


def clipped_text(page: Page) -> list[str]:
    found: list[str] = page.evaluate(CLIPPED_TEXT_JS)
    return found


# WCAG 2.5.8 Target Size (Minimum): 24 by 24 CSS pixels for the tick boxes, radios (the input and
# its label are both targets) and buttons.
SMALL_TARGETS_JS = """
minimum => {
  const small = [];
  const targets = document.querySelectorAll(
    'input[type=radio], input[type=checkbox], input[type=radio] + label, input[type=checkbox] + label, '
    + 'button, input[type=submit]');
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    if (box.width + 0.5 < minimum || box.height + 0.5 < minimum) {
      small.push(`${el.tagName.toLowerCase()}#${el.id} "${el.textContent.trim().slice(0, 30)}" `
        + `${box.width.toFixed(1)}x${box.height.toFixed(1)}`);
    }
  }
  return small;
}
"""


def small_targets(page: Page, minimum: int = 24) -> list[str]:
    found: list[str] = page.evaluate(SMALL_TARGETS_JS, minimum)
    return found


# The focused element's focus indicator: what changes between focused and not, whether that change
# is visible, and the contrast of the focused text on its background. Radios and tick boxes are drawn
# by their label's ::before box.
FOCUS_STYLE_JS = """
el => {
  const custom = el.matches('input[type=radio], input[type=checkbox]') && el.labels.length;
  const target = custom ? el.labels[0] : el;
  const pseudo = custom ? '::before' : null;
  const clear = color => /^rgba\\(.*, 0\\)$/.test(color) || color === 'transparent';
  const read = () => {
    const s = getComputedStyle(target, pseudo);
    const shown = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && !clear(s.outlineColor);
    const outline = shown ? `${s.outlineWidth} ${s.outlineColor}` : 'none';
    return {outline, boxShadow: s.boxShadow, background: s.backgroundColor, border: s.borderWidth};
  };
  const rgb = color => color.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = color => {
    const linear = v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    const [r, g, b] = rgb(color).map(v => linear(v / 255));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let back = target;
  while (back && clear(getComputedStyle(back).backgroundColor)) back = back.parentElement;
  const [fg, bg] = [luminance(getComputedStyle(target).color),
                    luminance(back ? getComputedStyle(back).backgroundColor : 'rgb(255, 255, 255)')];
  const contrast = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  const focused = read();
  el.blur();
  const blurred = read();
  el.focus();
  const changed = Object.keys(focused).filter(key => focused[key] !== blurred[key]);
  const visible = changed.some(key => key === 'border' || focused[key] !== 'none');
  return {visible, changed, contrast: Math.round(contrast * 100) / 100, focused, blurred};
}
"""


def focus_indicator(element: ElementHandle) -> dict[str, Any]:
    found: dict[str, Any] = element.evaluate(FOCUS_STYLE_JS)
    return found


# Autofill tokens a field of this service could rightly carry (HTML's autofill detail tokens), and
# "off" for answers about the child, which no browser should fill in from the parent's own details.
AUTOCOMPLETE_TOKENS = frozenset(
    {"off", "name", "email", "username", "current-password", "new-password", "one-time-code", "tel"}
)
NO_AUTOCOMPLETE_NEEDED = frozenset({"radio", "checkbox", "hidden", "submit", "button"})


def inputs_without_autocomplete(page: Page) -> list[str]:
    """Inputs that are neither a choice nor hidden and carry no valid autocomplete token."""
    fields: list[dict[str, str]] = page.eval_on_selector_all(
        "input", "els => els.map(el => ({id: el.id, type: el.type, autocomplete: el.autocomplete}))"
    )
    return [
        f"#{field['id']} (type {field['type']}, autocomplete {field['autocomplete']!r})"
        for field in fields
        if field["type"] not in NO_AUTOCOMPLETE_NEEDED
        and (field["autocomplete"].split() or [""])[-1] not in AUTOCOMPLETE_TOKENS
    ]


# Hints and error messages in a form that no field or fieldset points to with aria-describedby:
# a screen reader would not read them with the field.
UNLINKED_TEXT_JS = """
() => [...document.querySelectorAll('form .hint, form .error-message')]
  .filter(text => !text.id || !document.querySelector(`[aria-describedby~="${text.id}"]`))
  .map(text => text.textContent.trim().slice(0, 50))
"""


def unlinked_hints_and_errors(page: Page) -> list[str]:
    found: list[str] = page.evaluate(UNLINKED_TEXT_JS)
    return found


FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels.length ? el.labels[0].innerText : el.innerText;
  return {tag: el.tagName.toLowerCase(), type: el.type || '', name: (label || '').trim(),
          checked: Boolean(el.checked), summary: el.hasAttribute('data-error-summary')};
}"""
# Elements whose focus must be visible; the error summary and <main> take focus from scripts only.
INTERACTIVE = {"a", "button", "input", "textarea", "select"}


def focused(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(FOCUSED)
    return found


def check_focus_is_visible(page: Page) -> dict[str, Any]:
    now = focused(page)
    if now["tag"] in INTERACTIVE:
        indicator = focus_indicator(page.evaluate_handle("document.activeElement").as_element())  # type: ignore[arg-type]
        assert indicator["visible"], f"no visible focus style on {now}: {indicator}"
        assert indicator["contrast"] >= 4.5, f"focused {now} has text contrast {indicator['contrast']}"
    return now


def tab_to(page: Page, matches: Callable[[dict[str, Any]], bool], what: str, key: str = "Tab") -> None:
    """Press Tab until the focused element ``matches``, checking the focus is visible at each stop."""
    for _ in range(60):
        page.keyboard.press(key)
        if matches(check_focus_is_visible(page)):
            return
    raise AssertionError(f"{what} could not be reached with {key} on {page.url}")
