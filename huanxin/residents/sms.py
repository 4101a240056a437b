"""Sending SMS through a pluggable backend, chosen by the HUANXIN_SMS_BACKEND setting:

- `huanxin.residents.sms.ConsoleBackend` (the demo's default): writes the message to the server's
  standard output, phone masked, for the demo and for development.
- `huanxin.residents.sms.DisabledBackend` (default in production until a gateway is configured):
  refuses, and residents use the printed slips.
- `huanxin.residents.sms.MemoryBackend`: keeps messages in `MemoryBackend.outbox`, for tests.
- a real gateway: a class with `send(phone: str, message: str) -> None`, given by its dotted path
  (HUANXIN_SMS_BACKEND="mycity.sms.AliyunBackend"), configured by its own settings.
"""

from __future__ import annotations

import sys
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

from huanxin.core.masking import mask_phone


class ConsoleBackend:
    def send(self, phone: str, message: str) -> None:
        # The phone is masked even here; the code is the point of the console backend.
        sys.stdout.write(f"[短信 → {mask_phone(phone)}] {message}\n")
        sys.stdout.flush()


class DisabledBackend:
    """Production without a configured gateway: residents use the printed slips."""

    def send(self, phone: str, message: str) -> None:
        from django.utils.translation import gettext as _

        from huanxin.core.errors import Refused

        raise Refused(_("短信验证暂未开通，请使用社区发放的通知单上的验证码"))


class MemoryBackend:
    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, message: str) -> None:
        self.outbox.append((phone, message))


def send_sms(phone: str, message: str) -> None:
    backend = import_string(settings.HUANXIN_SMS_BACKEND)()
    backend.send(phone, message)
