"""Publication dates: from datelines, and for a dateline without a year ("Ngày 19.2,") only
from where the year is the article's own; never a year the text merely mentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import bgsearch, write_articles

BODY = "tuần tra biên giới cùng lực lượng bạn."


@pytest.mark.parametrize(
    ("text", "date"),
    [
        (f"Tuần tra\nNgày 27/06/2020\n{BODY}", "2020-06-27"),
        (f"Tuần tra\nNgày 27 tháng 06 năm 2020\n{BODY}", "2020-06-27"),
        (f"Tuần tra\n23:26, 18/04/2024\n{BODY}", "2024-04-18"),
        # the page's "date YYYY-MM" line gives the year, if the month agrees
        (f" date 2020-02 BHG - Ngày 19.2, {BODY}", "2020-02-19"),
        (f" date 2020-03 BHG - Ngày 19.2, {BODY}", None),
        # a date in the URL gives the year, if the month (and day, when given) agree
        (
            f"Tuần tra\nChiều ngày 14/2, {BODY}\nNguồn: https://a.vn/2025/02/14/tuan-tra",
            "2025-02-14",
        ),
        (f"Tuần tra\nChiều ngày 14/2, {BODY}\nNguồn: https://a.vn/tin-20250214-x", "2025-02-14"),
        (f"Tuần tra\nChiều ngày 14/2, {BODY}\nNguồn: https://a.vn/2025/03/14/x", None),
        (f"Tuần tra\nChiều ngày 14/2, {BODY}\nNguồn: https://a.vn/post202502.html", None),
        # a year the text mentions is a year under review, an anniversary, a target...
        (f"Tuần tra\nChiều ngày 14/2, {BODY} Sơ kết năm 2024.", None),
        (f"Tuần tra\nNgày 30/4, kỷ niệm ngày 30/4/1975, {BODY}", None),
        (f"Kháng sinh\nNgày 6/2, {BODY} Đến năm 2050, kháng thuốc tăng.", None),
        (f"Tuần tra\n{BODY}", None),
    ],
)
def test_a_date_is_read_never_guessed(tmp_path: Path, text: str, date: str | None) -> None:
    write_articles(tmp_path / "docs", {"a.txt": text})
    assert bgsearch("index", "docs").exit_code == 0
    (hit,) = bgsearch("query", "tuần tra", "--json").records
    assert hit["date"] == date
