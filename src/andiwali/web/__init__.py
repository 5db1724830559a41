"""The web app: FastAPI pages and JSON API over a knowledge base (``andiwali serve``)."""

from andiwali.web.app import create_app

__all__ = ["create_app"]
