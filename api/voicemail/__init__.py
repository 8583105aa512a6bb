"""Voicemail: messages the gateway records for a user, listened to in the app, the user's
greetings per situation, and the company's retention."""


def register(api) -> None:
    from .routes import admin_blp, blp

    api.register_blueprint(blp)
    api.register_blueprint(admin_blp)
