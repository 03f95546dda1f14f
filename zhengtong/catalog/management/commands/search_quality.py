"""Report search precision@5 and recall@10 over the citizen query set."""

from django.core.management.base import BaseCommand

from zhengtong.catalog.search_eval import evaluate, reversed_ranking, site_ranking


class Command(BaseCommand):
    help = (
        "用群众查询集（catalog/search_queries.json）评测事项检索："
        "precision@5、recall@10；-v 2 列出未满分的查询。"
        "需先载入演示事项目录（seed_demo）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reversed",
            action="store_true",
            help="同时评测倒序排序（检验指标的敏感性）",
        )
        parser.add_argument(
            "--holdout",
            action="store_true",
            help="-v 2 时也列出留出集（split=holdout）的查询",
        )

    def handle(self, *args, **options):
        report = evaluate(site_ranking())
        if options["verbosity"] >= 2:
            for r in report.results:
                if r.split == "holdout" and not options["holdout"]:
                    continue
                if r.precision < 1 or r.recall < 1:
                    self.stdout.write(
                        f"{r.q}：P@5 {r.precision:.2f} R@10 {r.recall:.2f}"
                        f"  不相关 {'、'.join(r.wrong) or '—'}"
                        f"  未找到 {'、'.join(r.missed) or '—'}"
                    )
        self.stdout.write(self.style.SUCCESS("门户检索：" + report.summary()))
        for split, label in (("tune", "调优集"), ("holdout", "留出集")):
            self.stdout.write(f"  {label}：" + report.part(split).summary())
        if options["reversed"]:
            self.stdout.write("倒序排序：" + evaluate(reversed_ranking()).summary())
