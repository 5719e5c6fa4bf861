"""Showing ratings: colour and text together, never colour alone.

Plain functions: templates reach them through `wsoa.templatetags.ratings`; tables, packs and
charts call them directly, so nothing imports a template library to format a rating.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


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
