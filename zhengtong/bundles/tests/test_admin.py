"""Admins build bundles in the admin: the change page with its inlines opens."""

from django.test import Client

from zhengtong.accounts.services import user_create


def test_admin_pages_open_and_rules_offer_only_this_bundle(world):
    admin_user = user_create(
        username="root", password="pw-123456", display_name="管理员", is_staff=True
    )
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    c = Client()
    c.force_login(admin_user)
    page = c.get(f"/admin/bundles/bundle/{world.bundle.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    for inline in ("包含事项", "情形引导问题", "情形规则", "共用表单字段", "共用材料"):
        assert inline in html
    assert c.get("/admin/bundles/bundle/add/").status_code == 200
    shared = c.get(f"/admin/bundles/bundlematerial/{world.shared.pk}/change/")
    assert shared.status_code == 200 and "材料对应" in shared.content.decode()
    assert c.get("/admin/bundles/bundleapplication/").status_code == 200
