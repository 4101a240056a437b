"""Test settings: the production settings with plain HTTP, a fast hasher and a pinned clock."""

import os

os.environ.setdefault("HUANXIN_HTTPS", "0")
os.environ.setdefault("HUANXIN_SECRET_KEY", "test-only-secret-key-test-only-secret-key-0123456789")

from huanxin.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUANXIN_TODAY = "2020-09-01"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
AXES_ENABLED = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HUANXIN_SMS_BACKEND = "huanxin.residents.sms.MemoryBackend"
