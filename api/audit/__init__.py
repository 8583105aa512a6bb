"""The audit log: security events and administrative changes, read by `view_audit_log`."""


def register(api) -> None:
    from .routes import audit_blp

    api.register_blueprint(audit_blp)
