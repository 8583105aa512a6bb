"""Marshmallow schemas for accounts, users, roles and the tenant."""
from __future__ import annotations

import zoneinfo

from marshmallow import Schema, ValidationError, fields, validate, validates

from i18n import N_

from ..core.schemas import Boolean, HandDumped, Integer, PartialMixin, int_or_none, text_or_none
from . import passwords, permissions

LANGS = ("nb", "nn", "no", "sv", "da", "fi", "en")
TRANSFER_METHODS = ("with_return", "blind", "attended")  # the first is the default


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 40),
                             metadata={"description": "Mobile number in any common format",
                                       "example": "+4790000001"})
    password = fields.String(required=True, validate=validate.Length(1, 256),
                             load_only=True)


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(1, 200))


class UserSchema(Schema):
    id = Integer(dump_only=True)
    mobile = fields.String(required=True, validate=validate.Length(1, 40),
                           metadata={"description": "E.164 on output; any format on input"})
    first_name = fields.String(required=True, validate=validate.Length(1, 100))
    last_name = fields.String(load_default="", validate=validate.Length(0, 100))
    email = fields.Email(allow_none=True)
    title = fields.String(allow_none=True, validate=validate.Length(0, 120))
    department = fields.String(allow_none=True, validate=validate.Length(0, 120))
    office_number = fields.String(allow_none=True, validate=validate.Length(0, 40))
    short_number = fields.String(allow_none=True,
                                 validate=validate.Regexp(r"^(\d{2,8})?$",
                                                          error=N_("must be 2 to 8 digits")))
    tags = fields.List(fields.String(validate=validate.Length(1, 40)),
                       validate=validate.Length(0, 50))
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGS))
    hidden_from_directory = fields.Boolean(metadata={
        "description": "Left out of the colleagues' directory in the app"})
    custom_fields = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 40)), values=fields.Raw(allow_none=True),
        validate=validate.Length(max=50), metadata={
            "description": "The company's own fields (GET /custom-fields), by key; on input "
                           "null removes a value, and the others stay"})
    role_id = Integer()
    role = fields.Function(lambda u: {"id": u.role.id, "name": u.role.name,
                                      "builtin": u.role.builtin}, dump_only=True)


class UserCreateSchema(UserSchema):
    password = fields.String(load_only=True, validate=validate.Length(1, 256),
                             metadata={"description": "Optional initial password; without "
                                                      "one the user sets it by SMS reset"})


class UserUpdateSchema(PartialMixin, UserSchema):
    pass


class MeSchema(HandDumped, UserSchema):
    permissions = fields.Function(lambda u: sorted(u.role.permissions or []), dump_only=True)
    tenant = fields.Function(lambda u: {"id": u.tenant_id}, dump_only=True)
    settings = fields.Dict(dump_only=True)
    default_transfer_method = fields.Function(
        lambda u: (u.settings or {}).get("default_transfer_method", TRANSFER_METHODS[0]),
        dump_only=True)
    password_expired = Boolean(dump_only=True)
    voicemail_unread = Integer(dump_only=True, metadata={
        "description": "Voicemail messages not heard yet (the app's badge)"})

    def dump_one(self, u) -> dict:  # every `GET /me`: what the fields above dump
        role, tags, custom, settings = u.role, u.tags, u.custom_fields, u.settings
        return {
            "id": int_or_none(u.id), "mobile": text_or_none(u.mobile),
            "first_name": text_or_none(u.first_name), "last_name": text_or_none(u.last_name),
            "email": text_or_none(u.email), "title": text_or_none(u.title),
            "department": text_or_none(u.department),
            "office_number": text_or_none(u.office_number),
            "short_number": text_or_none(u.short_number),
            "tags": None if tags is None else [text_or_none(t) for t in tags],
            "language": text_or_none(u.language),
            "hidden_from_directory": u.hidden_from_directory,
            "custom_fields": None if custom is None else {
                text_or_none(k): v for k, v in custom.items()},
            "role_id": int_or_none(u.role_id),
            "role": {"id": role.id, "name": role.name, "builtin": role.builtin},
            "permissions": sorted(role.permissions or []),
            "tenant": {"id": u.tenant_id},
            "settings": None if settings is None else dict(settings),
            "default_transfer_method": (settings or {}).get("default_transfer_method",
                                                            TRANSFER_METHODS[0]),
            "password_expired": u.password_expired,
            "voicemail_unread": int_or_none(u.voicemail_unread),
        }


class MeUpdateSchema(Schema):
    first_name = fields.String(validate=validate.Length(1, 100))
    last_name = fields.String(validate=validate.Length(0, 100))
    email = fields.Email(allow_none=True)
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGS))
    title = fields.String(allow_none=True, validate=validate.Length(0, 120))
    default_transfer_method = fields.String(validate=validate.OneOf(TRANSFER_METHODS),
                                            metadata={"description": "one tap on Transfer"})


class TokenSchema(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.Constant("Bearer")
    expires_in = Integer()
    session_id = Integer()
    password_expired = Boolean()
    user = fields.Nested(UserSchema)


class SessionSchema(Schema):
    id = Integer()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime()
    user_agent = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    current = Boolean()


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(1, 256))
    new_password = fields.String(required=True, validate=validate.Length(1, 256))


class RoleSchema(Schema):
    id = Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 80))
    builtin = fields.String(dump_only=True, allow_none=True)
    permissions = fields.List(fields.String(validate=validate.OneOf(sorted(permissions.ALL))),
                              load_default=list)


class RoleUpdateSchema(PartialMixin, RoleSchema):
    pass


class PermissionSchema(Schema):
    name = fields.String()
    description = fields.String()


class TenantSchema(Schema):
    id = Integer(dump_only=True)
    name = fields.String(validate=validate.Length(1, 200))
    country = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$", error=N_("ISO 3166 alpha-2")))
    timezone = fields.String()
    language = fields.String(validate=validate.OneOf(LANGS))
    password_policy = fields.String(validate=validate.OneOf(passwords.POLICIES))
    sms_service_number = fields.String(allow_none=True, validate=validate.Length(0, 40))
    reset_keyword = fields.String(validate=validate.Regexp(
        r"^[A-Za-z0-9ÆØÅÄÖæøåäö]{2,32}$", error=N_("one word of 2 to 32 letters or digits")))

    @validates("timezone")
    def _tz(self, value: str, **_kw) -> None:
        try:
            zoneinfo.ZoneInfo(value)
        except Exception:  # any bad key: not found, path-like, NUL
            raise ValidationError(N_("unknown time zone {zone}").format(zone=repr(value)))


class TenantUpdateSchema(PartialMixin, TenantSchema):
    pass


class UserQueryArgsSchema(Schema):
    q = fields.String(validate=validate.Length(0, 100),
                      metadata={"description": "Name, title, department, e-mail or digits"})


class CustomFieldSchema(Schema):
    id = fields.Integer(dump_only=True)
    key = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z][a-z0-9_]{0,39}$", error=N_("lower-case letters, digits and _, from a letter")))
    label = fields.String(required=True, validate=validate.Length(1, 80))
    type = fields.String(required=True, validate=validate.OneOf(("text", "number", "date",
                                                                  "choice")))
    choices = fields.List(fields.String(validate=validate.Length(1, 80)),
                          load_default=list, validate=validate.Length(max=100),
                          metadata={"description": "A choice field's options"})


class CustomFieldUpdateSchema(PartialMixin, CustomFieldSchema):
    pass
