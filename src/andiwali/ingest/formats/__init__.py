"""Built-in formats; each module registers its parsers on import."""

from andiwali.ingest.formats import docx, feed, html, pdf, posts, telegram, text  # noqa: F401
