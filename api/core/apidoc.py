"""The flask-smorest Api, with problem JSON as the documented error shape."""
from __future__ import annotations

from flask_smorest import Api as _Api
from marshmallow import INCLUDE, Schema, fields


class ProblemSchema(Schema):
    """RFC 9457 problem details; extension members (retry_after, field, ...) may follow."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(metadata={"description": "URI identifying the problem type"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String(metadata={"description": "What went wrong, for a person"})
    instance = fields.String()
    request_id = fields.String(allow_none=True)
    errors = fields.Dict(metadata={"description": "Per-field messages (validation errors)"})


class Api(_Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_pagination_header(self):
        """X-Pagination holds a JSON object, so it is documented with `content`, not with a
        `schema` (which would mean the `k,v,k,v` form of OpenAPI's simple style)."""
        from flask_smorest.pagination import PaginationMetadataSchema
        self.spec.components.header("PAGINATION", {
            "description": "Pagination metadata, a JSON object",
            "content": {"application/json": {"schema": PaginationMetadataSchema}}}, lazy=True)


SPEC_OPTIONS = {
    "info": {"description": "REST API of the company phone app: accounts, availability, "
                            "who's calling, push, transfers and queues. Errors are RFC 9457 "
                            "problem details."},
    "components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    "security": [{"bearerAuth": []}],
}

PUBLIC = {"security": []}

SWAGGER_UI_ASSETS = "/api/v1/docs/assets/"


def serve_swagger_ui(app) -> None:
    """The docs page's scripts and styles come from the pinned `swagger-ui-bundle` package,
    served by the API itself: the page works without internet access and loads nothing from
    a third party."""
    from flask import send_from_directory
    from swagger_ui_bundle import swagger_ui_path

    @app.get(SWAGGER_UI_ASSETS + "<path:filename>")
    def swagger_ui_asset(filename: str):
        return send_from_directory(str(swagger_ui_path), filename, max_age=86400)
