"""Rating tags for templates; the formatting itself is in `wsoa.formatting`."""

from django import template

from wsoa import formatting

register = template.Library()
register.simple_tag(formatting.rating_tag, name="rating_tag")
register.simple_tag(formatting.rating_styles, name="rating_styles")
