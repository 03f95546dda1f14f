"""/api/v1/feedback/rectifications/…: rectifications (差评整改)."""

urlpatterns: list = []
