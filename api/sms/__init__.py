"""SMS: a small gateway interface (inbound, outbound, delivery reports) and Kannel behind it.

Other features react to an incoming SMS through the `sms_received` hook and send replies
through `api.sms.services.enqueue` (delivered after the HTTP response by an `Outbox`).
"""


def register(api) -> None:
    from .routes import blp

    api.register_blueprint(blp)
