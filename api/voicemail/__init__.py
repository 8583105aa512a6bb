"""Voicemail: messages the gateway records for a user or a queue, listened to in the app, the user's
greetings per situation, and the company's retention."""


def register(api) -> None:
    from .queue_audio import blp as queue_audio_blp
    from .queue_routes import blp as queue_blp
    from .routes import admin_blp, blp

    api.register_blueprint(blp)
    api.register_blueprint(admin_blp)
    api.register_blueprint(queue_blp)
    api.register_blueprint(queue_audio_blp)
