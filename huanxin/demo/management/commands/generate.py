"""`huanxin generate --scale city|province|nation [--seed N]`: a synthetic registry at the sizes
Huanxin must serve, on the real division table, into an empty database (demo/scale.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from huanxin.core.errors import HuanxinError
from huanxin.demo.scale import SCALES, generate


class Command(BaseCommand):
    help = "Generate a synthetic registry (city ≈ 400 estates, province ≈ 20,000, nation ≈ 250,000)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=list(SCALES), required=True)
        parser.add_argument("--seed", type=int, default=2019, help="the same seed gives the same data")

    def handle(self, *args: Any, scale: str, seed: int, **options: Any) -> None:
        try:
            result = generate(SCALES[scale], seed=seed, say=self.stdout.write)
        except HuanxinError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成（{scale}，种子 {seed}）：区划 {result.regions:,}，小区 {result.estates:,}，"
                f"户数 {result.households:,}，用时 {result.seconds:.1f} 秒"
            )
        )
