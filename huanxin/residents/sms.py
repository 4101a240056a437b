"""Sending SMS through a pluggable backend, chosen by the HUANXIN_SMS_BACKEND setting:

- `huanxin.residents.sms.ConsoleBackend` (default): writes the message to the server's standard
  output, for the demo and for development. It is not the logging system: nothing goes to logs.
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


class MemoryBackend:
    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, message: str) -> None:
        self.outbox.append((phone, message))


def send_sms(phone: str, message: str) -> None:
    backend = import_string(settings.HUANXIN_SMS_BACKEND)()
    backend.send(phone, message)
