"""Who's calling: company directory, contacts, caller lookup, favourites and the call logs."""


def register(api) -> None:
    from .routes_directory import callerid_blp, directory_blp
    from .routes_me import me_blp

    for blp in (directory_blp, callerid_blp, me_blp):
        api.register_blueprint(blp)
