"""/api/v1/feedback/ratings/…: ratings (好差评)."""

urlpatterns: list = []
