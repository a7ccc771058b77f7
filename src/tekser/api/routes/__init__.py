"""The API's routers, one module a resource (included by tekser.api.app.create_app)."""
