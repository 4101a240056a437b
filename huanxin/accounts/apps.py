from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huanxin.accounts"
    verbose_name = "账号与机构"

    def ready(self) -> None:
        from django.contrib.auth import signals

        # Logins are audited where Django announces them, for pages and tokens alike.
        signals.user_logged_in.connect(_logged_in, dispatch_uid="huanxin.audit.login")
        signals.user_logged_out.connect(_logged_out, dispatch_uid="huanxin.audit.logout")
        signals.user_login_failed.connect(_login_failed, dispatch_uid="huanxin.audit.login_failed")


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
