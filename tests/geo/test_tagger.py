"""The province tagger: rules on hand-written examples, the seed article, and an evaluation
against hand-labelled articles from ../shared/corpus when that is present."""

from __future__ import annotations

import functools
import gzip
import json
import re
import time

import pytest

from bench.agreement import SECOND
from bench.tagger_eval import LABEL_FILES, f1, load_texts, micro, pairs, print_figures, split_labels
from indexer.geo import Tagger, Tagging, tagger
from indexer.geo.gazetteer import Gazetteer
from indexer.geo.tagger import _read_extra, tag
from indexer.geo.units import units
from indexer.text import normalize
from tests.support import DATA, SHARED, need_shared
from tests.support import ROOT as REPO

CORPUS = SHARED / "corpus"
SEED = REPO / "corpus" / "seed-bac-ninh-pckb.txt"
_ID_HEAD = re.compile(r'\{\s*"id"\s*:\s*"([^"\\]*)"')

# Floors for the labelled evaluation on the TEST split, below the measured figures with a margin
# (333 articles, 140 gold tags per era, with the salience model trained on TRAIN and DEV: F1 0.895
# in both eras, precision 0.911, recall 0.879; mentions F1 0.97 on the 132 that list them; see
# `pytest -s` or `make eval`). The rules and the model are fitted on the TRAIN and DEV splits
# (`python -m bench.tagger_eval`, `python -m bench.salience`), never on these. The floors catch
# regressions, not drifts.
MIN_F1 = 0.86
MIN_PRECISION = 0.87
MIN_MENTIONS_F1 = 0.93
MIN_RECALL = 0.84


@functools.cache
def rules_only() -> Tagger:
    """The tagger without its salience model: "about" as the score rules decide it."""
    return Tagger(Gazetteer.load(), _read_extra(), units())


def t(title: str = "", sapo: str = "", body: str = "") -> tuple[list[str], list[str]]:
    """Tag raw strings the way the indexer does: normalised first."""
    return tag(normalize(title), normalize(sapo), normalize(body))


def old(title: str = "", sapo: str = "", body: str = "") -> list[str]:
    """Only the old (63-unit) tags."""
    return t(title, sapo, body)[1]


def _seed_parts(text: str) -> tuple[str, str, str]:
    """(title, sapo, body) of a plain-text article: title on the first non-empty line."""
    lines = [line.strip() for line in normalize(text).split("\n") if line.strip()]
    return lines[0], "", "\n".join(lines[1:])


# A long body that names no province, for "passing mention" tests.
FILLER = " ".join(["Các đại biểu thảo luận về kế hoạch phát triển kinh tế, xã hội trong năm tới."] * 40)


def test_seed_article() -> None:
    """The user's own example: about Bắc Ninh, in both eras."""
    assert tag(*_seed_parts(SEED.read_text(encoding="utf-8"))) == (["Bắc Ninh"], ["Bắc Ninh"])


def test_empty_and_provinceless() -> None:
    """No text, or text that names no province, gets no tags."""
    assert t() == ([], [])
    assert t("Giá vàng hôm nay tăng mạnh", "Giá vàng thế giới tăng", FILLER) == ([], [])


def test_both_eras_via_merger() -> None:
    """Bắc Giang is old Bắc Giang and new Bắc Ninh; a name of both eras tags both with it."""
    assert t("Xe khách lật ở Bắc Giang") == (["Bắc Ninh"], ["Bắc Giang"])
    assert t("Lũ quét ở tỉnh Gia Lai") == (["Gia Lai"], ["Gia Lai"])
    assert t("Mưa lớn ở Hòa Bình") == (["Phú Thọ"], ["Hòa Bình"])
    assert t("Đặc sản Phú Quốc") == (["An Giang"], ["Kiên Giang"])


def test_official_names_sorted() -> None:
    """Aliases map to official names; both lists are sorted, Đ among the D's."""
    # The score rules' reading: the salience model keeps only TP.HCM of this title-only list (its
    # probabilities for the other three are 0.33-0.39), which is a miss of the model's.
    new, old_ = rules_only().tag(
        normalize("TP.HCM, Thừa Thiên - Huế và Đà Nẵng cùng ra quân"), normalize("Khánh Hoà cũng vậy."), ""
    )
    assert old_ == ["Đà Nẵng", "Hồ Chí Minh", "Huế", "Khánh Hòa"]
    assert new == ["Đà Nẵng", "Hồ Chí Minh", "Huế", "Khánh Hòa"]


def test_title_and_sapo_weigh_more_than_body() -> None:
    """One title mention suffices; one passing mention deep in a long body does not."""
    assert old("Cháy lớn ở Quảng Ninh", "", FILLER) == ["Quảng Ninh"]
    assert old("Cháy lớn ở chợ", "Vụ cháy xảy ra ở Quảng Ninh.", FILLER) == ["Quảng Ninh"]
    body = FILLER + " Một đại biểu đến từ tỉnh Nghệ An phát biểu. " + FILLER
    assert old("Hội nghị bàn về kinh tế", "", body) == []


def test_body_repetition_counts() -> None:
    """A province the body keeps returning to is what the article is about."""
    body = (
        "Ngày 3/4, Công an tỉnh Cà Mau cho biết đã bắt giữ nghi phạm. "
        + FILLER
        + " Công an tỉnh Cà Mau đang điều tra. Người dân Cà Mau cho biết."
    )
    assert old("Bắt giữ nghi phạm trộm cắp", "", body) == ["Cà Mau"]


def test_minor_province_in_long_article_about_another() -> None:
    """Two mentions of a neighbour in an article saturated with another province: not about it."""
    main = " ".join(["UBND TP Hà Nội chỉ đạo các quận huyện của Hà Nội xử lý ngập."] * 10)
    body = main + " Xe chở hàng từ Hưng Yên bị kẹt. Một xe khác từ Hưng Yên cũng vậy. " + main
    assert old("Ngập sau mưa lớn", "", body) == ["Hà Nội"]


def test_hoa_binh_peace_or_province() -> None:
    """'hòa bình' is peace unless capitalised as the province, and not the Deputy PM's name."""
    assert old("Cầu nguyện cho hòa bình thế giới") == []
    assert old("Hòa bình thế giới là khát vọng chung") == []
    assert old("Giải Nobel Hòa Bình năm nay") == []
    assert old("Sạt lở đất ở tỉnh Hòa Bình") == ["Hòa Bình"]
    assert old("Du lịch Hòa Bình mùa lúa chín") == ["Hòa Bình"]
    assert old("Phó Thủ tướng Trương Hòa Bình làm việc với Bộ GTVT") == []
    assert old("Chánh án Nguyễn Hòa Bình trả lời chất vấn") == []
    assert old("Hội thảo châu Á - Thái Bình Dương") == []


def test_ward_and_commune_names_are_not_provinces() -> None:
    """Post-2025 wards reuse old province names; communes named like provinces are everywhere."""
    assert old("Nữ sinh ở phường Long An trả lại tiền nhặt được") == []
    assert old("Cháy nhà ở phường Long An, tỉnh Tây Ninh") == ["Tây Ninh"]
    assert old("Lũ cuốn trôi cầu ở xã Hòa Bình, huyện Vĩnh Bảo, TP Hải Phòng") == ["Hải Phòng"]
    assert old("Khai trương chợ ở thị trấn Quảng Ninh") == []
    assert old("Ùn tắc trên đường Điện Biên Phủ, quận Bình Thạnh") == ["Hồ Chí Minh"]
    assert old("Ngập nặng trên phố Huế") == []


def test_exact_names() -> None:
    """Quảng Nam is not Quảng Ninh; Hà Nam Ninh (former province) is not Hà Nam."""
    assert old("Lũ lớn ở Quảng Nam") == ["Quảng Nam"]
    assert old("Than đá ở Quảng Ninh") == ["Quảng Ninh"]
    assert old("Ký ức thời tỉnh Hà Nam Ninh") == []


def test_short_aliases() -> None:
    """HN and HP are never read from running text; TP.HCM-style forms always are."""
    assert old("HN và HP là hai chữ viết tắt") == []
    assert old("Ông HP cho biết") == []
    for form in ("TP.HCM", "TP HCM", "TPHCM", "TP. HCM", "Tp.HCM", "TP Hồ Chí Minh"):
        assert old(f"Kẹt xe ở {form}") == ["Hồ Chí Minh"], form
    assert old("Học tập tư tưởng Hồ Chí Minh") == []
    assert old("Lăng Chủ tịch Hồ Chí Minh mở cửa trở lại") == []
    assert old("Sài Gòn mưa lớn chiều nay") == ["Hồ Chí Minh"]


def test_personal_names() -> None:
    """Province names after a title or a surname are people."""
    assert old("Chị Hà Giang bán hàng online") == []
    assert old("Ca sĩ Hà Giang ra mắt album") == []
    assert old("Ông Bình Định cho biết sẽ khởi kiện") == []
    assert old("Anh Long An và chị Kiên Giang làm đám cưới") == []
    assert old("Bà Nguyễn Thị Huế, 60 tuổi, bán hàng rong") == []
    assert old("Đồng chí Hà Nam nhận nhiệm vụ mới") == []
    assert old("Festival Huế khai mạc") == ["Huế"]
    # A capitalised title word inside a name is not a title.
    assert old("Tham quan Nhà thờ Đức Bà Sài Gòn") == ["Hồ Chí Minh"]


def test_foreign_namesakes() -> None:
    """Hà Nam is also a Chinese province (Henan)."""
    assert old("Động đất ở tỉnh Hà Nam, Trung Quốc") == []
    assert old("Lũ lụt ở Hà Nam (Trung Quốc)") == []
    assert old("Lũ lụt ở Hà Nam") == ["Hà Nam"]


def test_companies_and_addresses() -> None:
    """A company named after a province and an advertorial's address are not news about it."""
    assert old("Hoàng Anh Gia Lai báo lỗ quý III") == []
    body = FILLER + "\nĐịa chỉ: 224 Trần Duy Hưng, Cầu Giấy, Hà Nội\nHotline: 1900 1234"
    assert old("Ưu đãi mùa hè cho khách hàng", "", body) == []


def test_distance_and_roads() -> None:
    """'cách Hà Nội 180 km' and 'cao tốc Hà Nội – Hải Phòng' locate nothing in those cities."""
    body = "Mộc Châu cách Hà Nội 180 km. " + FILLER
    assert old("Mùa hoa mận ở Sơn La", "", body) == ["Sơn La"]
    assert old("Tai nạn trên cao tốc Hà Nội – Hải Phòng đoạn qua Hưng Yên") == ["Hưng Yên"]


def test_places_map_to_provinces() -> None:
    """Well-known cities stand for their province."""
    assert t("Du lịch Nha Trang hút khách") == (["Khánh Hòa"], ["Khánh Hòa"])
    assert t("Đà Lạt se lạnh") == (["Lâm Đồng"], ["Lâm Đồng"])
    assert t("Phố cổ Hội An ngập sâu") == (["Đà Nẵng"], ["Quảng Nam"])


def test_capitals_in_titles_not_in_bylines() -> None:
    """An all-capitals title is read; an all-capitals byline at the end of the body is not."""
    assert old("HÀ NỘI MƯA TO") == ["Hà Nội"]
    assert old("Tin vắn", "", FILLER + "\nHÀ GIANG") == []


def test_tone_styles_after_normalisation() -> None:
    """Old-style tone marks in the source ('Thanh Hoá') are canonicalised by normalize()."""
    assert old("Bão đổ bộ vào Thanh Hoá") == ["Thanh Hóa"]
    assert old("Khánh Hoà đón khách quốc tế") == ["Khánh Hòa"]


def test_eras_always_agree() -> None:
    """The new list is exactly the merger image of the old list."""
    gaz = Gazetteer.load()
    samples = [
        ("Bình Dương, Bà Rịa - Vũng Tàu và TP.HCM bàn chuyện sáp nhập", "", ""),
        ("Hà Giang, Tuyên Quang và Yên Bái mưa lớn", "Lào Cai sạt lở.", ""),
        _seed_parts(SEED.read_text(encoding="utf-8")),
    ]
    for title, sapo, body in samples:
        new, old_ = t(title, sapo, body)
        expected = {gaz.new_of(gaz.resolve(name, "old")).name for name in old_}
        assert set(new) == expected


def test_single_body_mention_needs_a_cue() -> None:
    """A province named once in the body counts only when the words locate something in it."""
    assert old("Cảnh giác lừa đảo qua mạng", "", "Một nạn nhân TP.HCM kể lại. " + FILLER) == []
    body = "Ngày 3/4, Công an TP.HCM cho biết đã bắt giữ nghi phạm. " + FILLER
    assert old("Bắt giữ nghi phạm", "", body) == ["Hồ Chí Minh"]
    body = "Ngày 26/4, Công an huyện Trảng Bom (tỉnh Đồng Nai) điều tra vụ tai nạn. " + FILLER
    assert old("Tai nạn giao thông", "", body) == ["Đồng Nai"]


def test_residence_hometown_and_readers() -> None:
    """Where a person lives or comes from, and a reader's signature, do not locate the news."""
    body = "Chị Lan, sống tại TP.HCM, cho biết đã bị lừa. " + FILLER
    assert old("Cảnh giác lừa đảo qua mạng", "", body) == []
    body = (
        "Ngày 26/4, Công an tỉnh Đồng Nai điều tra vụ tai nạn. Anh T. (SN 1990, quê Khánh Hòa) "
        "tử vong. " + FILLER + " Gia đình anh T. ở quê Khánh Hòa đã nhận thi thể."
    )
    assert old("Tai nạn giao thông", "", body) == ["Đồng Nai"]
    assert old("Có nên ăn rau sống?", "Ăn rau có tốt không? (Hoàng Tân, 25 tuổi, Cần Thơ)") == []


def test_long_enumerations() -> None:
    """Three or more provinces in one list are a statistic in a sapo or body, not in a title."""
    sapo = "Hà Nội, Hải Phòng, Đà Nẵng và Cần Thơ là các thành phố trực thuộc trung ương."
    assert old("Kinh tế đô thị", sapo) == []
    # The score rules' reading; the salience model leaves out Yên Bái here (0.44 against a
    # threshold of 0.45), a miss of the model's on a title-only list.
    assert rules_only().tag("Hà Giang, Tuyên Quang và Yên Bái mưa lớn", "", "")[1] == [
        "Hà Giang",
        "Tuyên Quang",
        "Yên Bái",
    ]


def test_captions_count_less() -> None:
    """A province named only in photo captions is an illustration, not the subject."""
    captions = "\nGặt lúa ở Yên Bái (Ảnh: Minh Hà)\n" + FILLER + "\nRuộng Yên Bái (Ảnh: Minh Hà)\n"
    assert old("Mùa lúa chín", "", FILLER + captions + FILLER) == []
    prose = "\nNgười dân gặt lúa ở Yên Bái. Ruộng bậc thang Yên Bái rất đẹp.\n"
    assert old("Mùa lúa chín", "", FILLER + prose + FILLER) == ["Yên Bái"]


def test_football_clubs_and_venues() -> None:
    """In a football report, province names are clubs; only the venue locates the match."""
    assert old("Thanh Hóa thắng Hà Nội ở vòng 5 V-League", "HLV hài lòng với các cầu thủ.") == []
    sapo = "CLB Nam Định để thua 1-2 trên sân Lạch Tray."
    assert old("Nam Định thua Hải Phòng ở vòng 3 V-League", sapo) == ["Hải Phòng"]


def test_universities_named_after_cities() -> None:
    """A university named after its city is national; a province's own university is local."""
    assert old("Đại học Quốc gia Hà Nội công bố phương án tuyển sinh") == []
    assert old("Trường ĐH Trà Vinh có thêm ngành mới") == ["Trà Vinh"]


def test_capital_as_seat_of_state() -> None:
    """Hà Nội as the venue of diplomacy or central government is not news about the city."""
    sapo = "Tổng thống hội đàm với Thủ tướng về quan hệ ngoại giao."
    assert old("Tổng thống Mỹ thăm Hà Nội", sapo) == []
    sapo = "Thủ tướng yêu cầu Chính phủ hỗ trợ Hà Nội."
    assert old("UBND TP Hà Nội họp về chống ngập", sapo) == ["Hà Nội"]


def test_old_units_named_in_post_merger_text() -> None:
    """'X cũ' and 'place (tỉnh NEW)' name the old unit, not the new unit's namesake."""
    sapo = "UBND tỉnh Đắk Lắk đổi tên các trường THPT phía đông tỉnh Đắk Lắk (Phú Yên cũ)."
    assert t("Đổi tên 14 trường THPT", sapo) == (["Đắk Lắk"], ["Phú Yên"])
    sapo = "Hộ nghèo ở Hà Tiên (tỉnh An Giang) có nhà mới."
    assert t("Nhà mới đón Tết", sapo) == (["An Giang"], ["Kiên Giang"])


def test_boundaries_routes_and_wards() -> None:
    """'từ X trở vào' draws a boundary, 'tuyến X - Y' is a route, 'P.Hoàng Liệt (X)' a ward."""
    sapo = "Thí sinh có hộ khẩu từ Quảng Trị trở vào được tính điểm chuẩn phía Nam."
    assert old("Tuyển sinh quân đội", sapo) == []
    assert old("Bắt tài xế", "Tài xế chạy tuyến Quảng Ngãi - Đà Nẵng dùng bằng lái giả.") == []
    sapo = "Dù P.Hoàng Liệt (Hà Nội) đã đề nghị, chung cư vẫn dừng trông xe điện."
    assert old("Chung cư dừng trông xe điện", sapo) == ["Hà Nội"]


def test_districts_and_post_merger_wards() -> None:
    """A district names its old province; a post-merger ward names the old province it came from."""
    assert t("Lễ hội ở xã Ba Tri, tỉnh Vĩnh Long") == (["Vĩnh Long"], ["Bến Tre"])
    assert t("Mưa lớn ở phường Quy Nhơn Nam (Gia Lai)") == (["Gia Lai"], ["Bình Định"])
    # A ward that kept its province's name changes nothing.
    assert t("Cháy chợ ở phường Pleiku, tỉnh Gia Lai") == (["Gia Lai"], ["Gia Lai"])
    assert t("Chợ hoa huyện Mê Linh tấp nập ngày giáp Tết") == (["Hà Nội"], ["Hà Nội"])
    assert t("Khách tắm lá thuốc giữa núi rừng Hoàng Su Phì") == (["Tuyên Quang"], ["Hà Giang"])
    assert t("Cháy rừng ở huyện Đức Linh") == (["Lâm Đồng"], ["Bình Thuận"])
    # Two-syllable district names are often given names: without their kind they are not places.
    assert old("Anh Đức Linh giành huy chương vàng") == []


def test_passing_forms_are_not_the_subject() -> None:
    """A time zone, a company's name, its seat, a defendant's home, a TV station: none makes an article about a city."""
    body = (
        "Bị cáo Nguyễn Thị Huyền (SN 1982, ở Long Biên, Hà Nội) khai nhận. Bị cáo Lan (chỗ ở: quận Cầu Giấy, "
        "thành phố Hà Nội) cũng khai nhận."
    )
    assert old("Xử vụ đánh bạc nghìn tỷ ở Phú Thọ", "TAND tỉnh Phú Thọ xét xử.", body) == ["Phú Thọ"]
    body = "Nhân viên Công ty Alibaba (trụ sở tại TP. HCM) kéo đến. Công ty Alibaba có trụ sở tại TP. HCM."
    assert old("Bắt nhân viên Alibaba ở Phú Mỹ", "Công an tỉnh Bà Rịa - Vũng Tàu bắt giữ.", body) == [
        "Bà Rịa - Vũng Tàu"
    ]
    assert old("Chương trình nghệ thuật", "Quỹ phối hợp với Đài Phát thanh và truyền hình TP.HCM tổ chức.") == []
    assert old("Trận chung kết diễn ra lúc 2h (giờ Hà Nội) tại London") == []
    assert old("Công ty Cổ phần Sữa Hà Nội báo lãi quý III") == []
    assert old("Diễn đàn châu Á - Thái Bình Dương họp thường niên") == []
    assert old("Học tập tư tưởng Chủ tịch Hồ Chí Minh") == []
    assert t("Đổi tên trường ở Gia Lai (Bình Định cũ)") == (["Gia Lai"], ["Bình Định"])


def read(title: str = "", sapo: str = "", body: str = "") -> Tagging:
    """The tagger's full reading of raw strings, normalised first."""
    return tagger().read(normalize(title), normalize(sapo), normalize(body))


def test_mentions_are_every_province_named() -> None:
    """Mentions: passing forms count (a hometown, a distance, a route's end), names that are not places do not."""
    r = read("Mưa lớn ở Nghệ An", "Nhiều xã cách Hà Nội 300 km bị ngập, anh Tuấn quê Hà Tĩnh kể.")
    assert (r.about_old, r.mentioned_old) == (("Nghệ An",), ("Hà Nội", "Hà Tĩnh", "Nghệ An"))
    assert read("Xe khách tuyến Quảng Ngãi - Đà Nẵng gặp nạn").mentioned_old == ("Đà Nẵng", "Quảng Ngãi")
    for passing in (
        "CLB Hà Nội thắng đậm",
        "Công ty CP Dược Hậu Giang tăng lãi",
        "Sửa mặt đường Hồ Chí Minh đoạn qua rừng",
        "Xã Bình Dương được công nhận nông thôn mới",
        "Hội nghị châu Á - Thái Bình Dương",
        "Bà Nguyễn Thị Huế nhận giải",
    ):
        assert read(passing).mentioned_old == (), passing
    # Mentions are a superset of the tags, in both eras, and the evidence lists each tag first.
    r = read("Lũ ở Quảng Nam", "Sau Quảng Nam, lũ tràn về Quảng Ngãi.")
    assert set(r.about) <= set(r.mentioned) and set(r.about_old) <= set(r.mentioned_old)
    assert [e.province_old for e in r.evidence if e.about] == list(r.about_old)
    assert r.evidence[0].about and r.evidence[0].title > 0


def test_label_files_well_formed() -> None:
    """Every label file uses official names, each old list maps onto the new one, mentions hold
    the tags, and no article is labelled twice."""
    gaz = Gazetteer.load()
    seen: set[str] = set()
    for name in LABEL_FILES:
        rows = [json.loads(line) for line in (DATA / name).open(encoding="utf-8") if line.strip()]
        for row in rows:
            assert row["id"] not in seen, (name, row["id"])
            seen.add(row["id"])
            olds = [gaz.resolve(n, "old") for n in row["provinces_old"]]
            assert {p.name for p in olds} == set(row["provinces_old"]), row["id"]
            assert {gaz.new_of(p).name for p in olds} == set(row["provinces"]), row["id"]
            if "mentioned_old" in row:
                assert set(row["provinces_old"]) <= set(row["mentioned_old"]), row["id"]
                assert set(row["provinces"]) <= set(row["mentioned"]), row["id"]
            assert row.get("split", LABEL_FILES[name]) in ("train", "dev", "test"), row["id"]
    assert len(seen) >= 600


def test_second_reading_covers_the_test_split() -> None:
    """The blind second reading (bench.agreement) reads every TEST article once, in official names."""
    gaz = Gazetteer.load()
    rows = [json.loads(line) for line in SECOND.open(encoding="utf-8") if line.strip()]
    assert sorted(r["id"] for r in rows) == sorted(label.ident for label in split_labels("test"))
    for row in rows:
        olds = [gaz.resolve(n, "old") for n in row["provinces_old"]]
        assert {p.name for p in olds} == set(row["provinces_old"]), row["id"]
        assert {gaz.new_of(p).name for p in olds} == set(row["provinces"]), row["id"]


# --- evaluation against hand-labelled articles --------------------------------------------------


@pytest.mark.shared
@pytest.mark.slow
def test_labelled_evaluation() -> None:
    """Micro precision, recall and F1 on the TEST split, both eras, about and mentions; prints the figures."""
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} not present (the shared corpora live beside the repository)")
    labels = split_labels("test")
    texts = load_texts(labels, CORPUS)
    missing = [(label.corpus, label.ident) for label in labels if (label.corpus, label.ident) not in texts]
    assert not missing, f"labelled articles not found in the corpora: {missing[:5]}"
    kinds, by_corpus = pairs(labels, texts)
    print()
    print_figures(kinds, by_corpus, len(labels), " (test split)")
    for kind, floor in (
        ("new", MIN_F1),
        ("old", MIN_F1),
        ("new mentions", MIN_MENTIONS_F1),
        ("old mentions", MIN_MENTIONS_F1),
    ):
        p, r, *_ = micro(kinds[kind])
        assert f1(p, r) >= floor, f"{kind}: F1 {f1(p, r):.3f} below {floor}"
        assert r >= MIN_RECALL, f"{kind}: recall {r:.3f} below {MIN_RECALL}"
    for kind in ("new", "old"):
        p, *_ = micro(kinds[kind])
        assert p >= MIN_PRECISION, f"{kind}: precision {p:.3f} below {MIN_PRECISION}"


@pytest.mark.shared
@pytest.mark.slow
def test_throughput() -> None:
    """Tagging must keep up with indexing: prints chars/s over a corpus sample."""
    path = need_shared("corpus", "vietnews-60k.jsonl.gz")
    articles = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            articles.append(tuple(normalize(record[k] or "") for k in ("title", "sapo", "body")))
            if len(articles) == 2000:
                break
    chars = sum(len(a) + len(b) + len(c) for a, b, c in articles)
    tag("", "", "")  # compile outside the timed loop
    start = time.perf_counter()
    for title, sapo, body in articles:
        tag(title, sapo, body)
    rate = chars / (time.perf_counter() - start)
    print(f"\nprovince tagger: {rate / 1e6:.1f} M chars/s over {len(articles)} articles")
    # Far below the measured rate: a floor against accidental quadratic behaviour, not a benchmark.
    assert rate > 2e6
