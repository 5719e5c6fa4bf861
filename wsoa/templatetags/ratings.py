"""Rating tags for templates; the formatting itself is in `wsoa.formatting`."""

from django import template

from wsoa import formatting

register = template.Library()
register.simple_tag(formatting.rating_tag, name="rating_tag")


@register.simple_tag(takes_context=True)
def rating_styles(context, levels):
    """The levels' colours as a <style> block carrying this response's CSP nonce.

    Without a request (a PDF pack rendered by WeasyPrint) there is no policy and no nonce.
    """
    nonce = getattr(context.get("request"), "csp_nonce", None)
    # str() evaluates django-csp's lazy nonce (whose truth value only says "evaluated yet?"),
    # which also tells the middleware to put it in the header.
    return formatting.rating_styles(levels, nonce=None if nonce is None else str(nonce))
