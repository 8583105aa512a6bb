"""Company administration: users, roles, permissions and the company's settings."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from ..audit.recorder import change, created
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from ..core.pagination import paginate_select
from . import admin, permissions as perms
from .models import Role, User
from .schemas import (PermissionSchema, RoleSchema, RoleUpdateSchema, TenantSchema,
                      TenantUpdateSchema, UserCreateSchema, UserQueryArgsSchema, UserSchema,
                      UserUpdateSchema)

users_blp = Blueprint("users", __name__, url_prefix="/api/v1/users",
                      description="Users of the company (administrators)")
roles_blp = Blueprint("roles", __name__, url_prefix="/api/v1/roles",
                      description="Built-in and custom roles")
tenant_blp = Blueprint("tenant", __name__, url_prefix="/api/v1/tenant",
                       description="The company's own settings")


@users_blp.route("")
class Users(MethodView):
    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(UserQueryArgsSchema, location="query")
    @users_blp.response(200, UserSchema(many=True))
    @users_blp.paginate()
    def get(self, args, pagination_parameters):
        """List and search the company's users (name, title, department, number)."""
        db = db_session()
        stmt = admin.search_users(db, current().tenant_id, args.get("q"))
        return paginate_select(db, stmt, pagination_parameters)

    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(UserCreateSchema)
    @users_blp.response(201, UserSchema)
    def post(self, body):
        """Create a user; numbers in any common format are stored in E.164."""
        db = db_session()
        password = body.pop("password", None)
        user = admin.create_user(db, current().tenant, body, password=password,
                                 actor=current())
        created(db, current(), "user", user)
        return user


@users_blp.route("/<int:user_id>/copy")
class UserCopy(MethodView):
    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(UserCreateSchema)
    @users_blp.response(201, UserSchema)
    def post(self, body, user_id):
        """Create a user with this one as the template: the same role, title, department,
        tags and language unless given, the same profiles, queues and device switches;
        never the template's numbers or password."""
        db = db_session()
        template = get_scoped(db, User, user_id, current().tenant_id, "user")
        password = body.pop("password", None)
        user = admin.copy_user(db, current().tenant, template, body, password=password,
                               actor=current())
        created(db, current(), "user", user, template_user_id=template.id)
        return user


@users_blp.route("/<int:user_id>")
class UserById(MethodView):
    @login_required(perms.MANAGE_USERS)
    @users_blp.response(200, UserSchema)
    def get(self, user_id):
        """One user."""
        return get_scoped(db_session(), User, user_id, current().tenant_id, "user")

    @login_required(perms.MANAGE_USERS)
    @users_blp.arguments(UserUpdateSchema)
    @users_blp.response(200, UserSchema)
    def patch(self, body, user_id):
        """Change a user's details or role."""
        db = db_session()
        user = get_scoped(db, User, user_id, current().tenant_id, "user")
        with change(db, current(), "user", user):
            admin.update_user(db, current().tenant, user, body, actor=current())
            db.commit()
        return user

    @login_required(perms.MANAGE_USERS)
    @users_blp.response(204)
    def delete(self, user_id):
        """Delete a user and everything that is theirs."""
        db = db_session()
        user = get_scoped(db, User, user_id, current().tenant_id, "user")
        with change(db, current(), "user", user, deleting=True):
            admin.delete_user(db, current(), user)
            db.commit()


@roles_blp.route("")
class Roles(MethodView):
    @login_required()
    @roles_blp.response(200, RoleSchema(many=True))
    def get(self):
        """The company's roles: built-in ones first."""
        db = db_session()
        rows = db.scalars(select(Role).where(Role.tenant_id == current().tenant_id))
        return sorted(rows, key=lambda r: (r.builtin is None, r.name))

    @login_required(perms.MANAGE_ROLES)
    @roles_blp.arguments(RoleSchema)
    @roles_blp.response(201, RoleSchema)
    def post(self, body):
        """Create a custom role: a named set of permissions."""
        db = db_session()
        role = admin.create_role(db, current().tenant_id, body["name"], body["permissions"],
                                 actor=current())
        created(db, current(), "role", role)
        return role


@roles_blp.route("/<int:role_id>")
class RoleById(MethodView):
    @login_required()
    @roles_blp.response(200, RoleSchema)
    def get(self, role_id):
        """One role."""
        return get_scoped(db_session(), Role, role_id, current().tenant_id, "role")

    @login_required(perms.MANAGE_ROLES)
    @roles_blp.arguments(RoleUpdateSchema)
    @roles_blp.response(200, RoleSchema)
    def patch(self, body, role_id):
        """Rename a custom role or change its permissions (built-in roles are fixed)."""
        db = db_session()
        role = get_scoped(db, Role, role_id, current().tenant_id, "role")
        with change(db, current(), "role", role):
            return admin.update_role(db, role, body, actor=current())

    @login_required(perms.MANAGE_ROLES)
    @roles_blp.response(204)
    def delete(self, role_id):
        """Delete a custom role; its users get the built-in role "user"."""
        db = db_session()
        role = get_scoped(db, Role, role_id, current().tenant_id, "role")
        with change(db, current(), "role", role, deleting=True):
            admin.delete_role(db, role, actor=current())


@roles_blp.route("/permissions")
class Permissions(MethodView):
    @login_required()
    @roles_blp.response(200, PermissionSchema(many=True))
    def get(self):
        """Every permission a role can hold."""
        return [{"name": k, "description": v} for k, v in sorted(perms.ALL.items())]


@tenant_blp.route("")
class TenantSettings(MethodView):
    @login_required()
    @tenant_blp.response(200, TenantSchema)
    def get(self):
        """The company's settings (country, time zone, language, password policy, SMS)."""
        return current().tenant

    @login_required(perms.MANAGE_TENANT)
    @tenant_blp.arguments(TenantUpdateSchema)
    @tenant_blp.response(200, TenantSchema)
    def patch(self, body):
        """Change the company's settings."""
        db, tenant = db_session(), current().tenant
        with change(db, current(), "tenant", tenant):
            return admin.update_tenant(db, tenant, body)
