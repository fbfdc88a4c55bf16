"""One error shape for the whole API: {"detail": <the first message>, "errors": [{"field": <the
field, or null>, "message": <Vietnamese>}]}. 401 no or bad credentials, 403 a right the caller
lacks, 404 a record outside the caller's scope (or absent), 409 finalized minutes, 422 bad input
(every field named), 400 a request that is not JSON at all."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import BaseForm
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError]
    # 409 when someone else changed the row an edit was based on: its version now (send it back).
    current: dict[str, Any] | None = None


#: The error answers every operation documents (`response={200: X, **ERRORS}`).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
#: Writes to a meeting's minutes also answer 409 once the minutes are finalized.
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}

UNAUTHORIZED = "Cần đăng nhập, hoặc gửi khóa API hợp lệ trong tiêu đề Authorization: Bearer <khóa>."
NOT_FOUND = "Không tìm thấy."
FORBIDDEN = "Bạn không có quyền thực hiện thao tác này."
CSRF = ("Thiếu hoặc sai mã CSRF: khi dùng phiên đăng nhập của trình duyệt, gửi kèm tiêu đề X-CSRFToken; "
        "hệ thống khác dùng khóa API.")


class InputError(Exception):
    """Bad input found by the API itself (a query parameter out of range, a form's errors):
    answered 422 with each field's message."""

    def __init__(self, errors: list[tuple[str | None, str]]):
        super().__init__(errors[0][1])
        self.errors = errors


#: Django's own messages that have no Vietnamese translation, by their code.
FORM_CODES = {"null_characters_not_allowed": "Không được chứa ký tự NUL (\\x00)."}


def form_errors(form: BaseForm) -> InputError:
    return InputError([(None if f == "__all__" else f, FORM_CODES.get(e.code, e.messages[0]))
                       for f, errors in form.errors.as_data().items() for e in errors])


def body(detail: str, errors: list[tuple[str | None, str]] | None = None) -> dict:
    return {"detail": detail, "errors": [{"field": f, "message": m} for f, m in (errors or [])]}


# --- pydantic's errors in Vietnamese -----------------------------------------------------------

def _message(err: dict) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "missing":
        return "Trường này bắt buộc."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Phải là số nguyên."
    if kind in ("float_parsing", "float_type"):
        return "Phải là số."
    if kind.startswith("date") or kind.startswith("datetime"):
        return "Ngày không hợp lệ (định dạng yyyy-mm-dd)."
    if kind.startswith("time"):
        return "Giờ không hợp lệ (định dạng hh:mm)."
    if kind in ("bool_parsing", "bool_type"):
        return "Phải là true hoặc false."
    if kind in ("string_type", "string_unicode"):
        return "Phải là chuỗi ký tự."
    if kind == "string_too_long":
        return f"Dài quá {ctx.get('max_length')} ký tự."
    if kind == "string_too_short":
        return f"Phải có ít nhất {ctx.get('min_length')} ký tự."
    if kind in ("greater_than_equal", "greater_than"):
        return f"Phải {'từ' if kind.endswith('equal') else 'lớn hơn'} {ctx.get('ge', ctx.get('gt'))} trở lên."
    if kind in ("less_than_equal", "less_than"):
        return f"Phải {'không quá' if kind.endswith('equal') else 'nhỏ hơn'} {ctx.get('le', ctx.get('lt'))}."
    if kind in ("literal_error", "enum"):
        return f"Giá trị không hợp lệ (chọn một trong: {ctx.get('expected', '')})."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "Phải là một đối tượng JSON."
    if kind == "list_type":
        return "Phải là một danh sách."
    if kind == "string_pattern_mismatch":
        return "Giá trị không hợp lệ (không được chứa ký tự điều khiển hay dấu '/')."
    if kind == "json_invalid":
        return "Nội dung gửi lên không phải JSON hợp lệ."
    return "Giá trị không hợp lệ."


def _field(loc) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:]
    if parts and parts[0] == "payload":  # the body parameter's own name
        parts = parts[1:]
    return ".".join(parts) or None


def pydantic_errors(errors: list[dict]) -> list[tuple[str | None, str]]:
    return [(_field(e.get("loc", ())), _message(e)) for e in errors] or [(None, "Dữ liệu không hợp lệ.")]


def install(api) -> None:
    """The API's exception handlers: every error in the shape above."""

    def respond(request, status, detail, errors=None):
        return api.create_response(request, body(detail, errors), status=status)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc):
        errors = pydantic_errors(exc.errors)
        return respond(request, 422, errors[0][1], errors)

    @api.exception_handler(InputError)
    def _input(request, exc):
        return respond(request, 422, exc.errors[0][1], exc.errors)

    @api.exception_handler(DjangoValidationError)
    def _service(request, exc):
        if getattr(exc, "code", None) == "finalized":
            return respond(request, 409, exc.messages[0])
        if getattr(exc, "code", None) == "conflict":  # recording.Conflict: nothing changed
            answer = body(exc.messages[0])
            answer["current"] = {k: v for k, v in getattr(exc, "current", {}).items() if k == "version"}
            return api.create_response(request, answer, status=409)
        if hasattr(exc, "error_dict"):
            errors = [(f if f != "__all__" else None, m) for f, messages in exc.message_dict.items() for m in messages]
        else:
            errors = [(None, m) for m in exc.messages]
        return respond(request, 422, errors[0][1], errors)

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request, exc):
        return respond(request, 401, UNAUTHORIZED)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return respond(request, 404, str(exc) or NOT_FOUND)

    @api.exception_handler(PermissionDenied)
    def _denied(request, exc):
        return respond(request, 403, str(exc) or FORBIDDEN)

    @api.exception_handler(HttpError)
    def _http(request, exc):
        messages = {400: "Yêu cầu không hợp lệ: nội dung gửi lên không phải JSON hợp lệ.", 401: UNAUTHORIZED,
                    403: FORBIDDEN, 404: NOT_FOUND}
        if "CSRF" in str(exc):
            return respond(request, 403, CSRF)
        return respond(request, exc.status_code, messages.get(exc.status_code, "Yêu cầu không hợp lệ."))
