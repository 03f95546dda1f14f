"""Links to public pages and downloads in catalogue answers use PUBLIC_BASE_URL."""

from django.core.files.base import ContentFile

import pytest
from rest_framework.test import APIClient

from zhengtong.catalog.tests.helpers import full_item

pytestmark = pytest.mark.django_db


def test_guide_and_blank_form_links_use_the_public_address(settings):
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"
    item = full_item()
    material = item.current_version.materials.order_by("order", "id").first()
    material.blank_form.save("申请表.docx", ContentFile(b"PK\x03\x04"), save=True)
    client = APIClient()
    body = client.get(
        f"/api/v1/catalog/items/{item.pk}/", HTTP_HOST="localhost:8123"
    ).json()
    text = repr(body)
    assert "localhost" not in text and "testserver" not in text
    forms = [
        m["blank_form_url"] for m in body["guide"]["materials"] if m["blank_form_url"]
    ]
    assert forms and forms[0].startswith(
        "https://zwfw.example.gov.cn/media/catalog/forms/"
    )
