from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "huanxin.accounts"
    verbose_name = _("账号与机构")

    def ready(self) -> None:
        from django.contrib.auth import signals

        # Logins are audited where Django announces them, for pages and tokens alike.
        signals.user_logged_in.connect(_logged_in, dispatch_uid="huanxin.audit.login")
        signals.user_logged_out.connect(_logged_out, dispatch_uid="huanxin.audit.logout")
        signals.user_login_failed.connect(_login_failed, dispatch_uid="huanxin.audit.login_failed")
        # Credentials follow the password and the account, whatever changes them (page, admin, shell).
        from django.db.models.signals import post_save, pre_save

        from huanxin.accounts.models import User

        pre_save.connect(_note_credentials, sender=User, dispatch_uid="huanxin.tokens.note")
        post_save.connect(_revoke_stale_tokens, sender=User, dispatch_uid="huanxin.tokens.revoke")


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from huanxin.core.audit import audit_record

    audit_record(action="login", actor=user, request=request)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from huanxin.core.audit import audit_record

    if user is not None:
        audit_record(action="logout", actor=user, request=request)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from huanxin.core.audit import audit_record

    # Only the username: django cleanses the password, and nothing else is needed.
    audit_record(
        action="login.failed", actor_name=str(credentials.get("username", ""))[:150], request=request
    )


def _note_credentials(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Whether this save changes the password or turns the account off (checked after the save)."""
    if instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._credentials_changed = before is not None and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    )


def _revoke_stale_tokens(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A new password or a deactivation revokes every API token the user holds."""
    if created or not getattr(instance, "_credentials_changed", False):
        return
    instance._credentials_changed = False
    from django.utils import timezone

    from huanxin.accounts.models import ApiToken
    from huanxin.core.audit import audit_record

    revoked = ApiToken.objects.filter(user=instance, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        reason = "password" if instance.is_active else "deactivated"
        audit_record(
            action="token.revoke_all",
            actor_name=instance.get_username(),
            detail={"tokens": revoked, "reason": reason},
        )
