from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.core"
    verbose_name = "核心"

    def ready(self) -> None:
        # Keep an upload's whole Unicode name (made safe) instead of what
        # follows its last "/": one place for pages and the API alike
        # (zhengtong/core/filenames.py; docs/operations.md "上传文件检查").
        from django.http.multipartparser import MultiPartParser

        from .filenames import multipart_file_name

        MultiPartParser.sanitize_file_name = multipart_file_name  # type: ignore[method-assign]
        MultiPartParser.IE_sanitize = multipart_file_name  # type: ignore[method-assign]
