"""HTML (a page or a fragment) -> plain text with no script, style or markup.

Used for feed item bodies and as the fallback when trafilatura finds no main
text. Never follows a link, never loads a resource.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head",
              "title", "meta", "link", "base", "form", "button", "select", "textarea", "canvas", "audio", "video")
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
          "pre", "section", "article", "header", "footer", "aside", "nav", "dd", "dt", "dl", "figcaption", "hr"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n\s*(\n\s*)+")

_cleaner = Cleaner(scripts=True, javascript=True, comments=True, style=True, inline_style=True, links=True,
                   meta=True, page_structure=False, processing_instructions=True, embedded=True, frames=True,
                   forms=True, annoying_tags=True, remove_unknown_tags=False, safe_attrs_only=True,
                   kill_tags=list(_DROP_TAGS))


def html_to_text(markup: str | bytes) -> str:
    """Visible text of an HTML document or fragment; blocks separated by newlines."""
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8", errors="replace")
    markup = markup.replace("\x00", "")
    if not markup.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(markup)
        root = _cleaner.clean_html(root)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, AssertionError, TypeError):
        return ""
    parts: list[str] = []
    for ev, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if ev == "start":
            if tag in _BLOCK:
                parts.append("\n")
            if el.text and tag not in _DROP_TAGS:
                parts.append(el.text)
        else:
            if tag in _BLOCK and tag != "br":
                parts.append("\n")
            if el is not root and el.tail:
                parts.append(el.tail)
    text = "".join(parts)
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.split("\n")]
    text = "\n".join(lines)
    return _BLANKS.sub("\n\n", text).strip()
