"""Application errors: a stable code, a Chinese message, an HTTP status."""

from typing import Any


class ApplicationError(Exception):
    """
    Raise from services when a request cannot be carried out.

    ``code`` is stable (clients match on it), ``message`` is shown to people,
    ``status`` is the HTTP status the API answers with (400 bad input,
    403 forbidden, 404 not visible, 409 refused in the current state).

    中文：业务错误
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = str(message)
        self.status = status
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            data["details"] = self.details
        return data


class NotFoundError(ApplicationError):
    """Raise when a record does not exist or is not visible to the user."""

    def __init__(self, message: str = "记录不存在或无权查看。") -> None:
        super().__init__("not_found", message, status=404)


class PermissionDeniedError(ApplicationError):
    """Raise when the user may see a record but not do this to it."""

    def __init__(self, message: str = "您没有执行此操作的权限。") -> None:
        super().__init__("permission_denied", message, status=403)
