"""The web app: JSON API under ``/api`` (OpenAPI) and server-rendered pages (Jinja2)."""
