"""The HTTP API (FastAPI): the workflow for browsers (session cookies) and programs (API keys)."""
