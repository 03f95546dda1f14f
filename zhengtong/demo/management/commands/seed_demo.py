"""
Create the demo data and accounts, idempotently.

Each app contributes a ``demo.seed(password=..., stdout=...)`` function; this
command calls them in dependency order.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = [
    "zhengtong.catalog.demo",
    "zhengtong.accounts.demo",
    "zhengtong.queueing.demo",
    "zhengtong.cases.demo",
    "zhengtong.bundles.demo",
    "zhengtong.fees.demo",
    "zhengtong.agency.demo",
    "zhengtong.supervision.demo",
    "zhengtong.feedback.demo",
    "zhengtong.stats.demo",
]


class Command(BaseCommand):
    help = "创建演示数据与演示账号（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default="zhengtong123", help="演示账号密码")
        parser.add_argument("--dry-run", action="store_true", help="只列出将运行的步骤")

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            if options["dry_run"]:
                self.stdout.write(f"将运行 {name}.seed")
                continue
            with transaction.atomic():
                module.seed(password=options["password"], stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
