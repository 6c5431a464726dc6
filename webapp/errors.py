"""Error answers: JSON `{"error": {...}}` under /api, a page elsewhere; never a traceback."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import ArticleNotFound, BadRequest, IndexNotFound, UnknownProvince

__all__ = ["init_app", "error_json"]

# Vietnamese headings for the pages; the detail line keeps the core's precise message.
_TITLES = {
    400: "Yêu cầu không hợp lệ",
    404: "Không tìm thấy trang",
    405: "Phương thức không được hỗ trợ",
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
}
_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    500: "internal_error",
    503: "index_unavailable",
}


def _wants_json() -> bool:
    """True for API paths, which answer errors in JSON."""
    return request.path.startswith("/api/") or request.path in ("/healthz", "/export.json")


def error_json(
    status: int, code: str, message: str, param: str | None = None, **extra: Any
) -> tuple[Response, int]:
    """The API's error document."""
    body: dict[str, Any] = {"code": code, "message": message, "param": param}
    body.update(extra)
    return jsonify(error=body), status


def _without(param: str) -> str:
    """This page's URL without one parameter (a way out of a 400)."""
    qs = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != param])
    return request.path + ("?" + qs if qs else "")


def _replacing(param: str, old: str, new: str) -> str:
    """This page's URL with one value of param replaced (a suggested province)."""
    items = [
        (k, new if k == param and v.strip() == old.strip() else v)
        for k, v in request.args.items(multi=True)
    ]
    qs = urlencode(items)
    return request.path + ("?" + qs if qs else "")


def _page(
    status: int,
    message: str,
    *,
    detail: str | None = None,
    param: str | None = None,
    fixes: list[tuple[str, str]] | None = None,
) -> tuple[str, int]:
    # Refill the search box unless q itself was the problem.
    """The error page, with the search box refilled."""
    q = request.args.get("q", "") if len(request.args.getlist("q")) == 1 and param != "q" else ""
    return render_template(
        "error.html",
        status=status,
        title=_TITLES.get(status, "Lỗi"),
        message=message,
        detail=detail,
        param=param,
        fixes=fixes or [],
        drop_url=_without(param) if param else None,
        q=q[:1000],
    ), status


def _bad_request(err: BadRequest) -> Any:
    """400 for a parameter with an unusable value."""
    if _wants_json():
        return error_json(400, "bad_parameter", str(err), err.param)
    hint = _PARAM_HINTS.get(err.param, "Một tham số có giá trị không dùng được.")
    return _page(400, hint, detail=str(err), param=err.param)


def _unknown_province(err: UnknownProvince) -> Any:
    """400 for a province name that matches no unit, with close names."""
    if _wants_json():
        return error_json(400, "unknown_province", str(err), err.param, suggestions=err.suggestions)
    fixes = [(name, _replacing(err.param, err.name, name)) for name in err.suggestions]
    return _page(400, _PARAM_HINTS[err.param], detail=str(err), param=err.param, fixes=fixes)


def _not_found(err: ArticleNotFound) -> Any:
    """404 for an article id the index does not hold."""
    if _wants_json():
        return error_json(404, "not_found", str(err))
    return _page(404, "Không có bài viết nào với mã này. Có thể bài đã bị xóa khỏi chỉ mục.")


def _unavailable(err: IndexNotFound) -> Any:
    # The path in the message helps an operator; it is no secret on a server they configured.
    """503 while the index cannot be opened."""
    if _wants_json():
        return error_json(503, "index_unavailable", str(err))
    return _page(
        503, "Chỉ mục tìm kiếm chưa được tạo hoặc đang được thay thế. Vui lòng thử lại sau."
    )


def _http(err: HTTPException) -> Any:
    """Routing and method errors (404, 405) in the same two forms."""
    status = err.code or 500
    if _wants_json():
        response, _ = error_json(
            status, _CODES.get(status, "http_error"), err.description or err.name
        )
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
    """Register the handlers."""
    app.register_error_handler(UnknownProvince, _unknown_province)
    app.register_error_handler(BadRequest, _bad_request)
    app.register_error_handler(ArticleNotFound, _not_found)
    app.register_error_handler(IndexNotFound, _unavailable)
    app.register_error_handler(HTTPException, _http)
