"""Error answers, from one handler: JSON `{"error": {...}}` under /api, a page elsewhere; never a traceback.

The status, code and parameter come from the core's typed exception (indexer.VnnewsError);
routing errors (404, 405) come from werkzeug's and are answered in the same two forms.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer import UnknownProvince, VnnewsError

__all__ = ["init_app", "error_json"]

# Vietnamese headings for the pages; the detail line keeps the core's precise message.
_TITLES = {
    400: "Yêu cầu không hợp lệ",
    404: "Không tìm thấy trang",
    405: "Phương thức không được hỗ trợ",
    409: "Chỉ mục đang được cập nhật",
    500: "Lỗi máy chủ",
    503: "Chỉ mục chưa sẵn sàng",
}
# What each parameter should look like, in the page's language.
_PARAM_HINTS = {
    "q": "Từ khóa quá dài (tối đa 1.000 ký tự) hoặc được gửi nhiều lần.",
    "page": "Số trang phải là số nguyên từ 1; chỉ xem được 10.000 kết quả đầu tiên.",
    "per_page": "Số kết quả mỗi trang phải từ 1 đến 100.",
    "from": "Ngày phải viết dạng NNNN-TT-NN (ví dụ 2021-05-31); ngày bắt đầu không được sau ngày kết thúc.",
    "to": "Ngày phải viết dạng NNNN-TT-NN (ví dụ 2021-05-31).",
    "sort": "Cách sắp xếp phải là relevance, newest hoặc oldest.",
    "province": "Không nhận ra tên tỉnh/thành (34 đơn vị từ 1/7/2025).",
    "province_old": "Không nhận ra tên tỉnh/thành (63 đơn vị trước 1/7/2025).",
    "source": "Không có nguồn này trong chỉ mục.",
    "category": "Không có chuyên mục này trong chỉ mục.",
    "era": "Bộ đơn vị hành chính phải là new (34 tỉnh) hoặc old (63 tỉnh).",
    "limit": "Số bài tương tự phải là số nguyên từ 1 đến 20.",
}
# The page's sentence for errors that are not about one parameter, by status.
_MESSAGES = {
    404: "Không có bài viết nào với mã này. Có thể bài đã bị xóa khỏi chỉ mục.",
    409: "Chỉ mục đang được xây dựng lại. Vui lòng thử lại sau.",
    500: "Đã có lỗi khi xử lý yêu cầu.",
    503: "Chỉ mục tìm kiếm chưa được tạo hoặc đang được thay thế. Vui lòng thử lại sau.",
}
_CODES = {404: "not_found", 405: "method_not_allowed"}


def _wants_json() -> bool:
    """True for API paths, which answer errors in JSON."""
    return request.path.startswith("/api/") or request.path in ("/healthz", "/export.json", "/feed.atom")


def error_json(status: int, code: str, message: str, param: str | None = None, **extra: Any) -> tuple[Response, int]:
    """The API's error document."""
    body: dict[str, Any] = {"code": code, "message": message, "param": param}
    body.update(extra)
    return jsonify(error=body), status


def _with(param: str, replace: tuple[str, str] | None = None) -> str:
    """This page's URL without one parameter, or with one of its values replaced."""
    items = []
    for k, v in request.args.items(multi=True):
        if k != param:
            items.append((k, v))
        elif replace is not None:
            items.append((k, replace[1] if v.strip() == replace[0].strip() else v))
    qs = urlencode(items)
    return request.path + ("?" + qs if qs else "")


def _page(status: int, message: str, *, detail: str | None = None, param: str | None = None,
          fixes: list[tuple[str, str]] | None = None) -> tuple[str, int]:
    """The error page, with the search box refilled (unless q itself was the problem)."""
    q = request.args.get("q", "") if len(request.args.getlist("q")) == 1 and param != "q" else ""
    html = render_template(
        "error.html",
        status=status,
        title=_TITLES.get(status, "Lỗi"),
        message=message,
        detail=detail,
        param=param,
        fixes=fixes or [],
        drop_url=_with(param) if param else None,
        q=q[:1000],
    )
    return html, status


def _vnnews(err: VnnewsError) -> Any:
    """Any error the core raises, answered with the status and code it carries."""
    if _wants_json():
        return error_json(err.status, err.code, str(err), err.param, **err.details())
    if err.param:
        fixes = []
        if isinstance(err, UnknownProvince):
            fixes = [(name, _with(err.param, (err.name, name))) for name in err.suggestions]
        hint = _PARAM_HINTS.get(err.param, "Một tham số có giá trị không dùng được.")
        return _page(err.status, hint, detail=str(err), param=err.param, fixes=fixes)
    # The JSON answer keeps the core's message (a 503's path helps an operator); the page does not.
    return _page(err.status, _MESSAGES.get(err.status, _MESSAGES[500]))


def _http(err: HTTPException) -> Any:
    """Routing and method errors (404, 405) in the same two forms."""
    status = err.code or 500
    if _wants_json():
        response, _ = error_json(status, _CODES.get(status, "http_error"), err.description or err.name)
    else:
        message = {
            404: "Đường dẫn này không tồn tại.",
            405: "Trang này chỉ nhận yêu cầu GET.",
        }.get(status, err.description or err.name)
        html, _ = _page(status, message)
        response = Response(html, mimetype="text/html")
    # Keep what the exception adds besides its body, such as a 405's Allow header.
    for name, value in err.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    """Register the two handlers."""
    app.register_error_handler(VnnewsError, _vnnews)
    app.register_error_handler(HTTPException, _http)
