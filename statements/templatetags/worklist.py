"""Template tags of the curators' workbench."""

from django import template

from statements.models import Statement
from statements.worklist import review_queue

register = template.Library()


@register.simple_tag(takes_context=True)
def curators_review_queue(context):
    """The drafts waiting and the sources to review (statements.worklist), for users who may see drafts."""
    request = context.get("request")
    opts = Statement._meta
    if request is None or not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return None
    return review_queue()
