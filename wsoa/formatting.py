"""Showing ratings (colour and text together, never colour alone) and plans' text as written.

Plain functions: templates reach them through `wsoa.templatetags.ratings` or model
properties; tables, packs and charts call them directly, so nothing imports a template
library to format a rating or a statement.
"""

import re

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def rating_tag(level, proposed=False):
    """A rating as a coloured tag that also carries its label."""
    if level is None:
        return mark_safe('<strong class="wsoa-rating wsoa-rating--unrated">Not yet rated</strong>')
    return format_html(
        '<strong class="wsoa-rating {}" title="{}">{}</strong>',
        level.css_class,
        level.meaning,
        level.label,
    )


def rating_styles(levels, nonce=None):
    """A <style> block giving each level its colour and a contrasting text colour.

    The colours are each area's own, so they cannot live in a static stylesheet; `nonce` is
    the response's Content-Security-Policy nonce, without which browsers ignore the block.
    """
    rules = format_html_join(
        "\n",
        ".{} {{ background-color: {}; color: {}; }}",
        ((level.css_class, level.colour, level.text_colour) for level in levels),
    )
    if nonce:
        return format_html('<style nonce="{}">\n{}\n</style>', nonce, rules)
    return format_html("<style>\n{}\n</style>", rules)


# --- Text as written ---------------------------------------------------------------------

# What plans put at the start of a bulleted line (the PDF's "●", Word's "•", a typed "-").
_BULLET = re.compile(r"^\s*(?:[●•▪◦·‣○■□➢➤✓✔*]|-(?=\s)|o(?=\s))\s*")


def text_as_html(text: str) -> SafeString:
    """A statement as it was written, safe to show: paragraphs at blank lines, line breaks
    kept, bulleted lines ("● School SENCOs") as a list. Everything is escaped.

    (A plain function, not a template filter: any page, pack or export may call it.)
    """
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", (text or "").strip()):
        # Runs of plain lines and of bulleted lines, in order: (is_bullet, [escaped lines]).
        runs: list[tuple[bool, list[str]]] = []
        for line in paragraph.splitlines():
            item = _BULLET.sub("", line, count=1).strip()
            is_bullet = bool(_BULLET.match(line)) and bool(item)
            if not line.strip():
                continue
            if not runs or runs[-1][0] != is_bullet:
                runs.append((is_bullet, []))
            runs[-1][1].append(escape(item if is_bullet else line.strip()))
        for is_bullet, lines in runs:
            if is_bullet:
                items = "".join(f"<li>{line}</li>" for line in lines)
                blocks.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
            else:
                blocks.append('<p class="govuk-body">' + "<br>".join(lines) + "</p>")
    return mark_safe("".join(blocks))  # noqa: S308 - every piece above is escaped
