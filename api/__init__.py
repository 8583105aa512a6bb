"""The REST API of the company phone app (the application factory is `api.app.create_app`)."""
