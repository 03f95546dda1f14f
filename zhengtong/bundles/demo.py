"""
Demo bundles (一件事): two life events built from the items of the 广安区
catalogue the demo imports, and one submitted application of the demo
applicant.

Sources: 《国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导
意见》（国发〔2024〕3号）, its first list of 13 key matters (新生儿出生一件事,
企业信息变更一件事, …, 开办企业 continued from the earlier 一网通办 work), and
the public guides of 四川政务服务网 for 广安区 (repository v-luobo/zwfw,
``bszl-data.js``; ../shared/data/guangan_511602_catalogue.jsonl): each item
below is named by its implementation code there. The questions and the
shared materials follow the items' published conditions (出生医学证明、户口登记、
医保参保 need the parents' ID cards; 户口登记 and 参保 the household register).

Idempotent: a bundle whose code exists is left as it is; the demo
application has an idempotency key.
"""

from typing import IO, Any

from django.db import transaction

from zhengtong.accounts.models import User
from zhengtong.catalog.models import ServiceItem
from zhengtong.core.errors import ApplicationError

from . import services
from .models import (
    Bundle,
    BundleField,
    BundleItem,
    BundleMaterial,
    BundleMaterialTarget,
    BundleQuestion,
    BundleRule,
    QuestionKind,
)

SOURCE = (
    "国发〔2024〕3号“高效办成一件事”重点事项清单；事项取自四川政务服务网广安区"
    "办事指南（v-luobo/zwfw bszl-data.js）"
)

# code, name, summary, items (key, item code, always), questions
# (key, text, kind, choices, {answer: item key}), fields (key, label, item keys
# or None for all, required), materials (key, name, item keys, required)
BUNDLES: list[dict[str, Any]] = [
    {
        "code": "newborn",
        "name": "新生儿出生一件事",
        "summary": "宝宝出生后，出生医学证明、预防接种证、户口登记、医保参保、社保卡申领一次申请、一次提交。",
        "items": [
            (
                "birth_cert",
                "512023377001-511602000000-000-11511301008778490F-1-00",
                True,
            ),
            ("vaccine", "512023380002-511602000000-000-11511301008778490F-1-00", True),
            ("hukou", "511F09014002-511602000000-000-11511300008778693M-1-00", True),
            ("insure", "512036001003-511602000000-000-11511301MB15537661-1-00", False),
            ("card", "512B0070200003-511602000000-000-1151130108778239R-1-00", False),
        ],
        "questions": [
            (
                "insure",
                "是否为新生儿办理城乡居民医保参保登记？",
                "yes_no",
                [],
                {"yes": "insure"},
            ),
            ("card", "是否同时申领社会保障卡？", "yes_no", [], {"yes": "card"}),
            (
                "hukou_with",
                "新生儿户口随哪一方登记？",
                "choice",
                [["father", "随父亲"], ["mother", "随母亲"]],
                {},
            ),
        ],
        "fields": [
            ("baby_name", "新生儿姓名", None, True),
            ("birth_date", "出生日期", None, True),
            ("father_name", "父亲姓名", None, True),
            ("mother_name", "母亲姓名", None, True),
            ("contact_phone", "联系电话", None, True),
            ("hukou_address", "户籍地址", ["hukou", "insure"], True),
        ],
        "materials": [
            (
                "parents_id",
                "父母双方居民身份证",
                ["birth_cert", "vaccine", "hukou", "insure", "card"],
                True,
            ),
            ("household", "居民户口簿", ["hukou", "insure"], True),
            ("marriage", "结婚证（已婚的提供）", ["hukou"], False),
        ],
    },
    {
        "code": "company-start",
        "name": "开办企业一件事",
        "summary": "企业设立登记、发票领用、单位医保参保、职工社保参保和就业登记一次申请、一次提交。",
        "items": [
            (
                "company",
                "511A0064100070-511602000000-000-115113016823646795-1-00",
                False,
            ),
            (
                "partnership",
                "511A0064100091-511602000000-000-115113016823646795-1-00",
                False,
            ),
            (
                "invoice",
                "51203001100005-511602000000-000-11511301MB1549994W-1-00",
                False,
            ),
            ("medical", "512036001001-511602000000-000-11511301MB15537661-1-00", False),
            (
                "pension",
                "512B0067900008-511602000000-000-1151130108778239R-1-00",
                False,
            ),
            (
                "employment",
                "512B0066800001-511602000000-000-1151130108778239R-1-00",
                False,
            ),
        ],
        "questions": [
            (
                "kind",
                "拟设立的企业类型",
                "choice",
                [["company", "有限责任公司"], ["partnership", "合伙企业"]],
                {"company": "company", "partnership": "partnership"},
            ),
            ("invoice", "是否需要领用发票？", "yes_no", [], {"yes": "invoice"}),
            (
                "hire",
                "开业即招用员工吗？",
                "yes_no",
                [],
                {"yes": ["medical", "pension", "employment"]},
            ),
        ],
        "fields": [
            ("company_name", "企业名称", None, True),
            ("address", "住所（经营场所）", None, True),
            ("representative", "法定代表人（执行事务合伙人）", None, True),
            ("capital", "注册资本（出资额，万元）", ["company", "partnership"], True),
            ("contact_phone", "联系电话", None, True),
            ("staff_count", "招用员工人数", ["medical", "pension", "employment"], True),
        ],
        "materials": [
            (
                "rep_id",
                "法定代表人身份证",
                [
                    "company",
                    "partnership",
                    "invoice",
                    "medical",
                    "pension",
                    "employment",
                ],
                True,
            ),
            ("premises", "住所使用证明", ["company", "partnership"], True),
            ("articles", "公司章程或合伙协议", ["company", "partnership"], True),
        ],
    },
]


def _say(stdout: IO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def bundle_build(spec: dict[str, Any]) -> Bundle | None:
    """Create one bundle from ``spec`` (None when an item is not in the catalogue)."""
    items = {
        i.item_code: i
        for i in ServiceItem.objects.filter(
            item_code__in=[code for _k, code, _a in spec["items"]]
        )
    }
    if len(items) < len(spec["items"]):
        return None
    with transaction.atomic():
        bundle = Bundle.objects.create(
            code=spec["code"],
            name=spec["name"],
            summary=spec["summary"],
            source=SOURCE,
            order=BUNDLES.index(spec),
        )
        rows = {
            key: BundleItem.objects.create(
                bundle=bundle, item=items[code], always=always, order=n
            )
            for n, (key, code, always) in enumerate(spec["items"])
        }
        for n, (key, text, kind, choices, rules) in enumerate(spec["questions"]):
            question = BundleQuestion.objects.create(
                bundle=bundle,
                key=key,
                text=text,
                kind=QuestionKind(kind),
                choices=choices,
                order=n,
            )
            for value, targets in rules.items():
                for target in [targets] if isinstance(targets, str) else targets:
                    BundleRule.objects.create(
                        bundle=bundle, question=question, value=value, item=rows[target]
                    )
        for n, (key, label, targets, required) in enumerate(spec["fields"]):
            field = BundleField.objects.create(
                bundle=bundle, key=key, label=label, required=required, order=n
            )
            if targets:
                field.items.set([rows[t] for t in targets])
        for n, (key, name, targets, required) in enumerate(spec["materials"]):
            shared = BundleMaterial.objects.create(
                bundle=bundle, key=key, name=name, required=required, order=n
            )
            for target in targets:
                BundleMaterialTarget.objects.create(shared=shared, item=rows[target])
    return bundle


def seed(*, password: str, stdout: IO | None = None) -> None:
    """Create the demo bundles and one application (idempotent)."""
    for spec in BUNDLES:
        if Bundle.objects.filter(code=spec["code"]).exists():
            continue
        if bundle_build(spec) is None:
            _say(stdout, f"一件事：跳过“{spec['name']}”（演示目录中缺少事项）\n")
        else:
            _say(stdout, f"一件事：已建立“{spec['name']}”\n")
    applicant = User.objects.filter(username="applicant2").first()
    if applicant is None or not Bundle.objects.filter(code="newborn").exists():
        return
    try:
        application = services.bundle_application_submit(
            bundle_code="newborn",
            applicant=applicant,
            actor=applicant,
            answers={"insure": "yes", "card": "no", "hukou_with": "father"},
            form_data={
                "baby_name": "周小满",
                "birth_date": "2026-11-28",
                "father_name": "周建国",
                "mother_name": "李芳",
                "contact_phone": applicant.phone or "13800000000",
                "hukou_address": "广安区建设路18号",
            },
            delivery_method="counter_pickup",
            idempotency_key="demo-bundle-newborn",
        )
    except ApplicationError as exc:
        _say(stdout, f"一件事：演示申请未建立（{exc.message}）\n")
        return
    _say(stdout, f"一件事：演示申请 {application.number}\n")
