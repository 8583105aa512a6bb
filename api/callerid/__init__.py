"""Who's calling: company directory, contacts, caller lookup, favourites and the call logs."""


def register(api) -> None:
    from .routes_directory import callerid_blp, directory_blp
    from .routes_me import me_blp

    for blp in (directory_blp, callerid_blp, me_blp):
        api.register_blueprint(blp)


def register_hooks() -> None:
    from ..core import hooks
    from .index import follow_users

    follow_users()
    hooks.on(hooks.QUEUE_CALL_ENDED, _log_queue_call)
    hooks.provide(hooks.CALLER_HITS, _hits)


def _hits(db, tenant_id: int, user_id: int | None, numbers) -> dict:
    """Who each number is, for lists (the callback list): the company's and the user's own
    sources and registers, never a live HTTP source (a list must not wait on one)."""
    from .lookup import lookup

    out = {}
    for number in dict.fromkeys(n for n in numbers if n):
        hit = lookup(db, tenant_id, user_id, number, 0.0)
        if hit is not None:
            out[number] = hit.as_dict()
    return out


def _log_queue_call(db, tenant_id: int, queue_id: int, event: str, detail: dict) -> None:
    """Every queue call that ends lands in the queue log, with who called."""
    from .calllog import QUEUE_EVENTS, record_queue_event

    if event not in QUEUE_EVENTS:
        return
    name = detail.get("caller_name")
    record_queue_event(db, tenant_id, queue_id, event, caller_number=detail.get("caller_number"),
                       call_id=detail.get("call_ref"), member_user_id=detail.get("member_user_id"),
                       transferred_to=detail.get("transferred_to"), wait_s=detail.get("wait_s"),
                       at=detail.get("at"), hit={"name": name} if name else None, commit=False)
