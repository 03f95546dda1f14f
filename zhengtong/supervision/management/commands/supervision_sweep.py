"""manage.py supervision_sweep: run the supervision pass now, print a JSON summary."""

import json

from django.core.management.base import BaseCommand

from zhengtong.supervision.services.sweep import supervision_sweep


class Command(BaseCommand):
    help = "电子监察扫描：同步时钟、移动亮灯、预警与升级督办，输出 JSON 摘要。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--resync",
            action="store_true",
            help="先全量同步所有未结束的时钟（导入放假安排或修改监察规则之后）。",
        )

    def handle(self, *args, resync: bool = False, **options) -> None:
        summary = supervision_sweep(resync=resync)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
