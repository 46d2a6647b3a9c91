#!/usr/bin/env python3
"""generate.py - writes the labelled training set of tulieu's document
classifier: short texts of each class (ocr/train/<class>/NNN.txt), in the
wording of Vietnamese statistical offices, built from phrase pools with a
fixed seed so that the set is the same on every run.  Some texts lose their
diacritics or letters the way OCR loses them.

It is written from the national format of administrative papers and the
usual wording of statistical reports, not from any page of the dev corpus.
Run: python3 ocr/train/generate.py [N_PER_CLASS]  then
     tulieu classify --train ocr/train -o ocr/classes.model
"""
import os, random, sys, unicodedata

R = random.Random(20261125)
HERE = os.path.dirname(os.path.abspath(__file__))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 30

PROV = ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Nghệ An", "Thanh Hóa", "Quảng Ninh",
        "Bắc Giang", "Thái Bình", "Nam Định", "Lào Cai", "Sơn La", "Huế", "Quảng Nam",
        "Bình Định", "Khánh Hòa", "Đắk Lắk", "Lâm Đồng", "Đồng Nai", "Bình Dương",
        "Long An", "Tiền Giang", "An Giang", "Kiên Giang", "Cà Mau", "Hà Tĩnh", "Phú Thọ",
        "Thái Nguyên", "Hưng Yên", "Vĩnh Long", "Sóc Trăng", "Gia Lai", "Kon Tum"]
PARENT = ["BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "TỔNG CỤC THỐNG KÊ", "ỦY BAN NHÂN DÂN TỈNH {P}",
          "UBND THÀNH PHỐ {P}", ""]
AGENCY = ["TỔNG CỤC THỐNG KÊ", "CỤC THỐNG KÊ TỈNH {P}", "CỤC THỐNG KÊ {P}",
          "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "VỤ THỐNG KÊ DÂN SỐ VÀ LAO ĐỘNG", "CHI CỤC THỐNG KÊ HUYỆN",
          "VỤ THỐNG KÊ NÔNG, LÂM NGHIỆP VÀ THỦY SẢN", "VỤ HỆ THỐNG TÀI KHOẢN QUỐC GIA",
          "TRUNG TÂM TIN HỌC THỐNG KÊ", "VĂN PHÒNG TỔNG CỤC", "ỦY BAN NHÂN DÂN"]
ABBR = ["TCTK", "CTK", "TCTK-VP", "CTK-TH", "TCTK-TCCB", "UBND", "SKHĐT", "TCTK-PPCĐ",
        "TCTK-DSLĐ", "CTK-NN", "BKHĐT"]
TOPIC = ["điều tra lao động việc làm", "tổng điều tra dân số và nhà ở",
         "điều tra doanh nghiệp hằng năm", "thu thập giá tiêu dùng",
         "điều tra nông nghiệp, nông thôn", "điều tra vốn đầu tư thực hiện",
         "chế độ báo cáo thống kê định kỳ", "điều tra mức sống hộ gia đình",
         "số hóa tài liệu lưu trữ", "chỉnh lý tài liệu lưu trữ",
         "điều tra cơ sở sản xuất kinh doanh cá thể", "tổng điều tra kinh tế",
         "điều tra biến động dân số và kế hoạch hóa gia đình",
         "điều tra năng suất, sản lượng lúa", "thống kê thương mại, dịch vụ",
         "điều tra chăn nuôi", "biên soạn niên giám thống kê", "điều tra thủy sản",
         "thống kê giáo dục và y tế", "chỉ số sản xuất công nghiệp"]
ACTION = ["ban hành", "phê duyệt", "thành lập", "tổ chức", "triển khai", "sửa đổi, bổ sung",
          "kiện toàn", "giao nhiệm vụ", "công bố", "hướng dẫn"]
NAMES = ["Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Minh Tuấn", "Phạm Đức Thắng", "Hoàng Thị Mai",
         "Vũ Quang Huy", "Đỗ Thị Hà", "Bùi Văn Long", "Ngô Thanh Sơn", "Đặng Thu Hương",
         "Phan Văn Khải", "Lý Thị Hoa", "Trịnh Xuân Bình", "Dương Văn Nam"]
UNITS = ["Chánh Văn phòng", "Vụ trưởng Vụ Tổ chức cán bộ", "Thủ trưởng các đơn vị thuộc Tổng cục",
         "Cục trưởng Cục Thống kê các tỉnh, thành phố", "Trưởng phòng Tổng hợp",
         "Chi cục trưởng các Chi cục Thống kê", "Giám đốc Trung tâm Tin học",
         "Trưởng phòng Thống kê Dân số - Văn xã", "các cá nhân có liên quan"]
SECTORS = [("Nông nghiệp", "Sản lượng lúa cả năm ước đạt {a} nghìn tấn, tăng {p}% so với năm trước; diện tích gieo trồng {b} nghìn ha."),
           ("Công nghiệp", "Chỉ số sản xuất công nghiệp {m} tháng tăng {p}% so với cùng kỳ năm trước, trong đó công nghiệp chế biến, chế tạo tăng {q}%."),
           ("Đầu tư", "Vốn đầu tư thực hiện từ nguồn ngân sách nhà nước ước đạt {a} tỷ đồng, bằng {q}% kế hoạch năm."),
           ("Thương mại", "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng ước tính đạt {a} tỷ đồng, tăng {p}% so với cùng kỳ."),
           ("Giá cả", "Chỉ số giá tiêu dùng tháng {m} tăng {p}% so với tháng trước và tăng {q}% so với cùng kỳ năm trước."),
           ("Lao động, việc làm", "Lực lượng lao động từ 15 tuổi trở lên ước tính {a} nghìn người; tỷ lệ thất nghiệp khu vực thành thị là {p}%."),
           ("Dân số", "Dân số trung bình ước tính {a} nghìn người, tăng {p}% so với năm trước; tỷ số giới tính khi sinh {b} bé trai/100 bé gái."),
           ("Xuất, nhập khẩu", "Kim ngạch hàng hóa xuất khẩu ước đạt {a} triệu USD, tăng {p}%; nhập khẩu đạt {b} triệu USD."),
           ("Giáo dục", "Năm học mới toàn tỉnh có {a} học sinh phổ thông, {b} giáo viên; tỷ lệ học sinh tốt nghiệp đạt {q}%."),
           ("Y tế", "Số giường bệnh là {b} giường; trong kỳ có {a} lượt khám chữa bệnh, {p} ca sốt xuất huyết."),
           ("Vận tải", "Vận tải hành khách đạt {a} nghìn lượt khách, luân chuyển {b} triệu lượt khách.km, tăng {p}%."),
           ("Thu chi ngân sách", "Tổng thu ngân sách nhà nước trên địa bàn ước đạt {a} tỷ đồng, bằng {q}% dự toán năm.")]
ROWS = ["Cả nước", "Đồng bằng sông Hồng", "Trung du và miền núi phía Bắc",
        "Bắc Trung Bộ và duyên hải miền Trung", "Tây Nguyên", "Đông Nam Bộ",
        "Đồng bằng sông Cửu Long", "Thành thị", "Nông thôn", "Nam", "Nữ", "Tổng số",
        "Nhà nước", "Ngoài nhà nước", "Khu vực có vốn đầu tư nước ngoài"]
TABLE_TITLES = ["Dân số trung bình phân theo địa phương", "Lực lượng lao động từ 15 tuổi trở lên phân theo giới tính và thành thị, nông thôn",
                "Diện tích và sản lượng lúa cả năm", "Giá trị sản xuất công nghiệp theo giá so sánh",
                "Vốn đầu tư thực hiện phân theo nguồn vốn", "Số học sinh phổ thông phân theo cấp học",
                "Số cơ sở y tế và giường bệnh", "Chỉ số giá tiêu dùng các tháng trong năm",
                "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng", "Số doanh nghiệp đang hoạt động phân theo loại hình",
                "Số lượng gia súc, gia cầm", "Sản lượng thủy sản phân theo địa phương",
                "Tỷ lệ thất nghiệp của lực lượng lao động trong độ tuổi", "Thu nhập bình quân đầu người một tháng",
                "Trị giá xuất khẩu hàng hóa phân theo nhóm hàng", "Mật độ dân số phân theo huyện"]
UNITS_T = ["Nghìn người", "Người", "Tỷ đồng", "Triệu đồng", "%", "Nghìn tấn", "Nghìn ha", "Cơ sở",
           "Doanh nghiệp", "Nghìn con", "Triệu USD", "Người/km2"]
ARTICLE_HEAD = ["Một số vấn đề về {t} trong giai đoạn hiện nay", "Nâng cao chất lượng {t}",
                "Kinh nghiệm quốc tế về {t} và bài học cho Việt Nam", "Bàn về phương pháp {t}",
                "Ứng dụng công nghệ thông tin trong {t}", "{T}: thực trạng và giải pháp",
                "Nhìn lại mười năm {t}", "Đổi mới công tác {t}", "Vai trò của {t} đối với phát triển kinh tế - xã hội"]
DEGREE = ["ThS.", "TS.", "PGS.TS.", "CN.", ""]
OTHER_KINDS = ["TỜ TRÌNH", "BIÊN BẢN", "GIẤY MỜI", "THÔNG BÁO", "DANH SÁCH", "KẾ HOẠCH",
               "HỢP ĐỒNG", "GIẤY GIỚI THIỆU", "PHIẾU ĐIỀU TRA", "MỤC LỤC", "GIẤY ĐI ĐƯỜNG",
               "ĐƠN XIN", "LỜI NÓI ĐẦU", "QUY CHẾ"]


# Sentences of the common administrative and statistical language, sprinkled
# over texts of every class: they tell no class from another, and a model
# that never saw them in a class would take them as evidence against it.
FILLER = [
    "Việc thu thập, tổng hợp thông tin phải bảo đảm đúng thời gian và chất lượng theo quy định.",
    "Các đơn vị có trách nhiệm phối hợp chặt chẽ với các cơ quan liên quan trên địa bàn.",
    "Trong quá trình thực hiện, nếu có vướng mắc đề nghị phản ánh kịp thời để xem xét, giải quyết.",
    "Số liệu được sử dụng cho công tác quản lý, điều hành của các cấp, các ngành ở địa phương.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước theo quy định hiện hành.",
    "Đây là nhiệm vụ quan trọng, có ý nghĩa lớn đối với công tác thống kê của ngành.",
    "Cán bộ, công chức phải nắm vững nội dung, phương pháp và các khái niệm, định nghĩa.",
    "Thông tin cá nhân của đối tượng được giữ bí mật và chỉ dùng cho mục đích thống kê.",
    "Các chỉ tiêu chủ yếu được tính theo giá hiện hành và giá so sánh.",
    "Việc ứng dụng công nghệ thông tin giúp giảm thời gian xử lý và nâng cao độ chính xác.",
    "Phạm vi bao gồm tất cả các huyện, thị xã, thành phố trực thuộc tỉnh.",
    "Trong những năm gần đây, đời sống vật chất và tinh thần của nhân dân từng bước được cải thiện.",
    "Công tác tuyên truyền được tổ chức rộng rãi trên các phương tiện thông tin đại chúng.",
    "Kết quả cho thấy tình hình có nhiều chuyển biến tích cực so với thời kỳ trước.",
    "Đối với các xã vùng sâu, vùng xa, thời gian có thể kéo dài thêm nhưng không quá mười ngày.",
    "Tài liệu được bảo quản tại kho lưu trữ của cơ quan theo đúng chế độ.",
    "Mọi hoạt động đều phải tuân thủ Luật Thống kê và các văn bản hướng dẫn thi hành.",
    "Những khó khăn về nhân lực và trang thiết bị vẫn còn ảnh hưởng đến tiến độ chung.",
    "Các hộ gia đình, doanh nghiệp và đơn vị hành chính sự nghiệp là đối tượng cung cấp thông tin.",
    "Ủy ban nhân dân các cấp có trách nhiệm chỉ đạo, tạo điều kiện để công việc được hoàn thành.",
    "Số liệu sơ bộ sẽ được chỉnh lý khi có kết quả chính thức.",
    "Đến nay, phần lớn các đơn vị đã hoàn thành kế hoạch đề ra.",
    "Nội dung chủ yếu gồm thông tin về dân số, lao động, nhà ở và điều kiện sống.",
    "Việc kiểm tra, giám sát được tiến hành thường xuyên ở tất cả các khâu.",
    "Xây dựng cơ sở dữ liệu dùng chung, kết nối với các bộ, ngành và địa phương.",
    "Nâng cấp hạ tầng công nghệ thông tin, bảo đảm an toàn, an ninh thông tin.",
    "Đào tạo, bồi dưỡng nâng cao trình độ chuyên môn, nghiệp vụ cho đội ngũ cán bộ.",
    "- Rà soát, hoàn thiện hệ thống chỉ tiêu và phương pháp tính phù hợp với thông lệ quốc tế.",
    "a) Tăng cường sử dụng dữ liệu hành chính phục vụ biên soạn số liệu.",
    "b) Phổ biến thông tin kịp thời, minh bạch tới người dùng tin.",
    "+ 100% văn bản được lưu chuyển trên môi trường mạng và sử dụng chữ ký số.",
    "Ứng dụng phần mềm nhập tin, xử lý và tổng hợp kết quả trên máy tính.",
    "Tổ chức hội nghị sơ kết, rút kinh nghiệm và khen thưởng các tập thể, cá nhân có thành tích.",
    "Hoàn thiện thể chế, chính sách và quy trình nghiệp vụ theo hướng hiện đại.",
    "Triển khai đồng bộ các giải pháp về tổ chức, nhân lực, tài chính và kỹ thuật.",
    "Định kỳ đánh giá kết quả thực hiện và đề xuất điều chỉnh khi cần thiết.",
    "Bảo đảm sự thống nhất giữa số liệu của Trung ương và địa phương.",
    "Chuyển đổi số là yêu cầu tất yếu nhằm nâng cao hiệu quả hoạt động.",
    "Tư liệu hóa, số hóa tài liệu lưu trữ để khai thác, sử dụng lâu dài.",
    "Phát huy vai trò của các tổ chức đoàn thể trong việc vận động nhân dân tham gia.",
]


def pick(xs):
    return R.choice(xs)


def prov():
    return pick(PROV)


def fill(s):
    p = prov()
    return s.replace("{P}", p.upper()).replace("{p}", p)


def num(lo, hi, dec=1):
    v = R.uniform(lo, hi)
    return ("%.*f" % (dec, v)).replace(".", ",") if dec else str(int(v))


def date_line():
    d, m, y = R.randint(1, 28), R.randint(1, 12), R.randint(1985, 2015)
    place = pick(["Hà Nội", prov(), prov()])
    return y, "%s, ngày %s tháng %s năm %d" % (place, pick([str(d), "%02d" % d]),
                                             pick([str(m), "%02d" % m]), y)


def header(code):
    parent = fill(pick(PARENT))
    agency = fill(pick(AGENCY))
    y, dl = date_line()
    sym = "%d/%s%s-%s" % (R.randint(1, 2500), pick(["", "%d/" % y]), code, pick(ABBR)) if code else \
        "%d/%s" % (R.randint(1, 2500), pick(ABBR))
    lines = []
    if parent and R.random() < 0.7:
        lines.append(parent)
    lines.append(agency)
    motto = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    if R.random() < 0.5:
        lines += motto + ["Số: " + sym, dl]
    else:
        lines += ["Số: " + sym] + motto + [dl]
    return lines, y


def signer():
    t = pick(["TỔNG CỤC TRƯỞNG", "CỤC TRƯỞNG", "CHỦ TỊCH", "GIÁM ĐỐC", "VỤ TRƯỞNG"])
    pre = pick(["", "KT. " + t + "\nPHÓ " + t, "TL. " + t + "\nCHÁNH VĂN PHÒNG"])
    return (pre or t) + "\n" + pick(NAMES)


def noi_nhan():
    return "Nơi nhận:\n- Như Điều %d;\n- %s;\n- Lưu: VT, %s." % (
        R.randint(2, 4), pick(["Lãnh đạo Tổng cục", "Bộ Kế hoạch và Đầu tư", "UBND tỉnh", "Website"]),
        pick(["TCCB", "VP", "TH", "PPCĐ"]))


def quyet_dinh():
    h, y = header("QĐ")
    topic = pick(TOPIC)
    act = pick(ACTION)
    obj = pick(["Quy chế", "Kế hoạch", "Phương án", "Quy trình", "Ban Chỉ đạo", "Tổ công tác", "danh mục"])
    body = h + ["QUYẾT ĐỊNH", "Về việc %s %s %s" % (act, obj.lower() if R.random() < .5 else obj, topic),
                pick(["TỔNG CỤC TRƯỞNG TỔNG CỤC THỐNG KÊ", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "CỤC TRƯỞNG CỤC THỐNG KÊ"])]
    bases = ["Căn cứ Luật Thống kê ngày %d tháng %d năm %d;" % (R.randint(1, 28), R.randint(1, 12), R.randint(1990, 2015)),
             "Căn cứ Nghị định số %d/%d/NĐ-CP của Chính phủ quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức;" % (R.randint(10, 200), R.randint(1990, 2015)),
             "Căn cứ Quyết định số %d/QĐ-TTg của Thủ tướng Chính phủ;" % R.randint(100, 2000),
             "Căn cứ Luật Lưu trữ và các văn bản hướng dẫn thi hành;",
             "Xét đề nghị của %s," % pick(["Vụ trưởng Vụ Tổ chức cán bộ", "Chánh Văn phòng", "Trưởng phòng Tổng hợp", "Vụ trưởng Vụ Pháp chế"])]
    R.shuffle(bases)
    body += bases[:R.randint(2, 5)]
    body.append(pick(["QUYẾT ĐỊNH:", "QUYẾT ĐỊNH :", "Quyết định:"]))
    arts = ["Điều 1. %s %s %s (kèm theo Quyết định này)." % (act.capitalize(), obj.lower(), topic),
            "Điều 2. %s chịu trách nhiệm hướng dẫn, kiểm tra việc thực hiện %s." % (pick(UNITS), obj.lower()),
            "Điều %d. Quyết định này có hiệu lực thi hành kể từ ngày ký. %s, %s chịu trách nhiệm thi hành Quyết định này." % (R.randint(3, 4), pick(UNITS), pick(UNITS))]
    if R.random() < 0.4:
        arts.insert(1, "Điều 2. Bổ nhiệm ông (bà) %s giữ chức %s kể từ ngày %d tháng %d năm %d." % (pick(NAMES), pick(["Phó Chánh Văn phòng", "Trưởng phòng", "Phó Cục trưởng"]), R.randint(1, 28), R.randint(1, 12), y))
    body += arts + [noi_nhan(), signer()]
    return body


def chi_thi():
    h, y = header("CT")
    topic = pick(TOPIC)
    body = h + ["CHỈ THỊ", pick(["Về việc tăng cường %s", "Về việc thực hiện %s năm %d" % ("%s", y),
                                 "Về việc chấn chỉnh công tác %s", "Về việc đẩy mạnh %s"]).replace("%s", topic)]
    body.append("Trong thời gian qua, công tác %s đã đạt được một số kết quả nhất định. Tuy nhiên, %s." % (
        topic, pick(["việc thực hiện ở một số đơn vị còn chậm, chất lượng số liệu chưa cao",
                     "còn tình trạng báo cáo chậm, thiếu, chưa đúng quy định",
                     "một số nơi chưa quan tâm đúng mức, kỷ luật, kỷ cương chưa nghiêm"])))
    body.append("Để khắc phục những tồn tại trên và %s, %s yêu cầu:" % (
        pick(["nâng cao chất lượng công tác thống kê", "bảo đảm tiến độ, chất lượng", "thực hiện tốt nhiệm vụ năm %d" % y]),
        pick(["Tổng cục trưởng", "Chủ tịch Ủy ban nhân dân tỉnh", "Cục trưởng Cục Thống kê", "Bộ trưởng"])))
    items = ["%d. %s khẩn trương %s." % (i + 1, pick(UNITS), pick([
        "rà soát, kiện toàn bộ máy, bố trí đủ cán bộ", "chỉ đạo thực hiện nghiêm túc các quy định hiện hành",
        "tăng cường kiểm tra, giám sát, xử lý nghiêm các vi phạm", "chấn chỉnh lề lối làm việc, nâng cao trách nhiệm",
        "tổ chức quán triệt đến từng cán bộ, công chức", "báo cáo kết quả thực hiện trước ngày %d tháng %d" % (R.randint(1, 28), R.randint(1, 12)),
        "bố trí kinh phí, phương tiện bảo đảm cho công tác %s" % pick(TOPIC)])) for i in range(R.randint(2, 5))]
    body += items
    body.append(pick(["Thủ trưởng các đơn vị có trách nhiệm tổ chức thực hiện nghiêm túc Chỉ thị này.",
                      "Chỉ thị này có hiệu lực kể từ ngày ký. Yêu cầu các đơn vị nghiêm chỉnh chấp hành.",
                      "Các đơn vị triển khai thực hiện nghiêm túc và báo cáo kết quả về Văn phòng."]))
    body += [noi_nhan(), signer()]
    return body


def cong_van():
    h, y = header("")
    topic = pick(TOPIC)
    vv = "V/v %s" % pick(["%s", "hướng dẫn %s", "góp ý dự thảo %s", "đề nghị cung cấp số liệu %s",
                           "trả lời kiến nghị về %s", "cử cán bộ tham gia %s", "gửi báo cáo %s"]).replace("%s", topic)
    # the V/v line sits under the number
    i = next(k for k, l in enumerate(h) if l.startswith("Số:"))
    h.insert(i + 1, vv)
    body = h + ["Kính gửi: %s" % pick(["- Cục Thống kê các tỉnh, thành phố trực thuộc Trung ương",
                                       "Ủy ban nhân dân tỉnh %s" % prov(), "Tổng cục Thống kê",
                                       "Các Vụ, đơn vị thuộc Tổng cục", "Sở Kế hoạch và Đầu tư"])]
    body.append(pick(["Thực hiện %s, %s đề nghị Quý cơ quan %s." % (
        pick(["Kế hoạch số %d/KH-TCTK" % R.randint(10, 900), "ý kiến chỉ đạo của Lãnh đạo Tổng cục", "chương trình công tác năm %d" % y]),
        pick(["Tổng cục Thống kê", "Cục Thống kê", "Văn phòng"]),
        pick(["cung cấp số liệu trước ngày %d/%d/%d" % (R.randint(1, 28), R.randint(1, 12), y),
              "cử cán bộ tham dự", "phối hợp triển khai", "gửi ý kiến góp ý bằng văn bản"])),
        "Trả lời Công văn số %d/CTK ngày %d/%d/%d của Quý cơ quan về %s, %s có ý kiến như sau:" % (
            R.randint(10, 900), R.randint(1, 28), R.randint(1, 12), y, topic, pick(["Tổng cục Thống kê", "Văn phòng Tổng cục"]))]))
    body.append("%s %s." % (pick(["Về nội dung", "Đối với", "Liên quan đến"]), pick([
        "kinh phí, các đơn vị sử dụng nguồn được giao trong dự toán năm", "thời gian thực hiện, đề nghị hoàn thành trong tháng %d" % R.randint(1, 12),
        "mẫu biểu, thực hiện theo hướng dẫn gửi kèm công văn này", "đầu mối liên hệ: đồng chí %s, điện thoại %s" % (pick(NAMES), num(20000000, 49999999, 0))])))
    body.append(pick(["Đề nghị Quý cơ quan quan tâm phối hợp thực hiện./.", "Trân trọng cảm ơn sự phối hợp của Quý cơ quan./.",
                      "Rất mong nhận được sự quan tâm của Quý cơ quan./.", "Trân trọng./."]))
    body += [noi_nhan(), signer()]
    return body


def sector_par(y):
    name, tpl = pick(SECTORS)
    return name.upper() if R.random() < .5 else name, tpl.format(a=num(100, 90000), b=num(10, 5000), p=num(0.5, 15), q=num(50, 120), m=R.randint(2, 11))


def bao_cao():
    y = R.randint(1985, 2015)
    if R.random() < 0.8:
        h, y = header("BC")
    else:
        h = [fill(pick(AGENCY))]
    period = pick(["sáu tháng đầu năm", "quý I", "quý III", "tháng %d" % R.randint(1, 12), "chín tháng", "năm"])
    body = h + ["BÁO CÁO", pick(["Tình hình kinh tế - xã hội %s %d" % (period, y),
                                 "Kết quả %s năm %d" % (pick(TOPIC), y),
                                 "Tổng kết công tác thống kê năm %d và phương hướng nhiệm vụ năm %d" % (y, y + 1),
                                 "Sơ kết %s %s" % (period, pick(TOPIC))])]
    body.append(pick(["Tình hình kinh tế - xã hội %s diễn ra trong bối cảnh %s." % (period, pick(["thời tiết diễn biến phức tạp", "giá cả thị trường biến động", "kinh tế thế giới phục hồi chậm"])),
                      "Thực hiện %s, kết quả đạt được như sau:" % pick(["chế độ báo cáo thống kê", "kế hoạch công tác năm %d" % y, "chỉ đạo của Ủy ban nhân dân tỉnh"])]))
    for i in range(R.randint(2, 5)):
        t, p = sector_par(y)
        body.append("%s. %s" % (["I", "II", "III", "IV", "V"][i] if R.random() < .6 else str(i + 1), t))
        body.append(p)
        if R.random() < .5:
            body.append("So với cùng kỳ năm trước, %s %s %s%%." % (pick(["sản lượng", "giá trị", "số lượng", "chỉ số"]), pick(["tăng", "giảm"]), num(0.5, 20)))
    body.append(pick(["Đánh giá chung: %s" % pick(["kinh tế tiếp tục tăng trưởng khá, đời sống nhân dân ổn định.", "các chỉ tiêu chủ yếu đều đạt và vượt kế hoạch."]),
                      "Trên đây là báo cáo %s, kính trình %s." % (pick(["tình hình", "kết quả thực hiện"]), pick(["Tổng cục Thống kê", "Ủy ban nhân dân tỉnh", "Lãnh đạo Bộ"])),
                      "Những khó khăn, hạn chế: %s." % pick(["nguồn lực còn hạn chế", "tiến độ giải ngân vốn đầu tư chậm", "dịch bệnh trên gia súc, gia cầm"])]))
    if R.random() < .6:
        body += [noi_nhan(), signer()]
    return body


def bieu():
    body = []
    if R.random() < .5:
        body.append(pick(["Biểu số %02d" % R.randint(1, 40), "Biểu %d" % R.randint(1, 60), "Bảng %d.%d" % (R.randint(1, 12), R.randint(1, 30)), "%d" % R.randint(1, 300)]))
    y0 = R.randint(1990, 2010)
    ny = R.randint(3, 6)
    title = pick(TABLE_TITLES)
    body.append(title.upper() if R.random() < .5 else title)
    if R.random() < .7:
        body.append("(%s)" % pick(["Phân theo địa phương", "Tính đến 31/12", "Theo giá thực tế", "Sơ bộ năm %d" % (y0 + ny)]) if R.random() < .3 else "")
    body.append(pick(["Đơn vị tính: %s", "ĐVT: %s", "Đơn vị: %s"]) % pick(UNITS_T))
    years = [str(y0 + i) for i in range(ny)]
    if R.random() < .4:
        years[-1] = "Sơ bộ " + years[-1]
    body.append(pick(["", "Chỉ tiêu ", "Tổng số "]) + " ".join(years))
    rows = R.sample(ROWS + PROV, R.randint(6, 14))
    for r in rows:
        dec = pick([0, 1, 1, 2])
        vals = [num(1, 99999, dec) for _ in range(ny)]
        if dec == 0 and R.random() < .5:
            vals = ["{:,}".format(int(v)).replace(",", ".") for v in vals]
        body.append(r + " " + " ".join(vals))
    if R.random() < .4:
        body.append(pick(["Ghi chú: số liệu năm %d là số sơ bộ." % (y0 + ny - 1), "Nguồn: %s" % pick(["Tổng cục Thống kê", "Niên giám thống kê", "Cục Thống kê tỉnh %s" % prov()]), "(*) Không kể hộ kinh doanh cá thể."]))
    return body


def bai_viet():
    t = pick(TOPIC)
    head = pick(ARTICLE_HEAD).replace("{T}", t.capitalize()).replace("{t}", t)
    author = ("%s %s" % (pick(DEGREE), pick(NAMES))).strip()
    body = [head.upper() if R.random() < .5 else head]
    body.append(pick(["%s", "%s (*)", "%s - %s" % ("%s", pick(["Vụ Phương pháp chế độ thống kê", "Viện Khoa học Thống kê", "Cục Thống kê %s" % prov(), "Trường Đại học Kinh tế Quốc dân"]))]) % author)
    paras = [
        "Trong những năm qua, %s đã có những bước tiến quan trọng, góp phần cung cấp thông tin phục vụ lãnh đạo, quản lý và nghiên cứu." % t,
        "Bài viết này phân tích %s, qua đó đề xuất một số giải pháp nhằm %s." % (pick(["thực trạng", "những hạn chế", "kinh nghiệm của một số nước"]), pick(["nâng cao chất lượng thông tin thống kê", "hoàn thiện phương pháp luận", "đáp ứng yêu cầu hội nhập"])),
        "Có thể thấy rằng, %s là một nhiệm vụ không dễ dàng, đòi hỏi sự phối hợp của nhiều ngành, nhiều cấp." % t,
        "Theo chúng tôi, cần tập trung vào mấy vấn đề sau. Thứ nhất, %s. Thứ hai, %s." % (pick(["đổi mới tư duy", "chuẩn hóa khái niệm, định nghĩa", "đầu tư cho con người"]), pick(["ứng dụng công nghệ thông tin", "tăng cường hợp tác quốc tế", "nâng cao năng lực cán bộ"])),
        "Kinh nghiệm của nhiều nước cho thấy, khi người dùng tin tham gia từ đầu thì sản phẩm thống kê sẽ sát với nhu cầu hơn.",
        "Nhìn lại chặng đường đã qua, chúng ta có quyền tự hào nhưng cũng cần thẳng thắn nhận ra những điểm còn yếu.",
        "Tóm lại, %s cần được coi là một khâu then chốt của cả quá trình sản xuất thông tin." % t,
        "Tài liệu tham khảo: 1. %s (%d), %s. 2. Tạp chí Con số và Sự kiện, số %d." % (pick(NAMES), R.randint(1995, 2015), pick(["Giáo trình Lý thuyết thống kê", "Phương pháp điều tra chọn mẫu", "Hệ thống tài khoản quốc gia"]), R.randint(1, 12)),
    ]
    body += [paras[0]] + R.sample(paras[1:], R.randint(3, 6))
    return body


def khac():
    kind = pick(OTHER_KINDS)
    body = []
    if R.random() < .5:
        h, y = header("")
        body += [l for l in h if not l.startswith("Số")]
    y = R.randint(1985, 2015)
    t = pick(TOPIC)
    if kind == "TỜ TRÌNH":
        body += [kind, "Về việc đề nghị phê duyệt %s" % t, "Kính trình: %s" % pick(["Lãnh đạo Tổng cục", "Ủy ban nhân dân tỉnh"]),
                 "Căn cứ nhu cầu thực tế, %s kính trình xem xét, phê duyệt dự toán kinh phí %s triệu đồng." % (pick(["Văn phòng", "Phòng Tổng hợp"]), num(50, 900, 0))]
    elif kind == "BIÊN BẢN":
        body += [kind, pick(["Họp", "Kiểm tra", "Bàn giao tài liệu", "Nghiệm thu"]) + " " + t,
                 "Hôm nay, vào hồi %d giờ ngày %d/%d/%d, tại %s, chúng tôi gồm:" % (R.randint(7, 16), R.randint(1, 28), R.randint(1, 12), y, pick(["phòng họp số 2", "trụ sở Cục Thống kê"])),
                 "1. Ông %s - Chủ trì\n2. Bà %s - Thư ký" % (pick(NAMES), pick(NAMES)),
                 "Biên bản được lập thành %d bản, các bên thống nhất ký tên." % R.randint(2, 4), "THƯ KÝ CHỦ TRÌ"]
    elif kind == "GIẤY MỜI":
        body += [kind, "%s trân trọng kính mời: %s" % (pick(["Tổng cục Thống kê", "Cục Thống kê"]), pick(["Đại diện lãnh đạo các đơn vị", "Ông (Bà) %s" % pick(NAMES)])),
                 "Tới dự: Hội nghị %s" % t, "Thời gian: %d giờ, ngày %d tháng %d năm %d" % (R.randint(7, 15), R.randint(1, 28), R.randint(1, 12), y),
                 "Địa điểm: %s" % pick(["Hội trường tầng 3", "Nhà khách Chính phủ"]), "Rất mong Quý vị đến dự đúng giờ."]
    elif kind == "THÔNG BÁO":
        body += [kind, pick(["Kết luận của Lãnh đạo tại cuộc họp về %s", "Lịch nghỉ Tết và phân công trực", "Tuyển dụng công chức năm %d" % y]).replace("%s", t),
                 "Ngày %d/%d/%d, %s đã chủ trì cuộc họp. Sau khi nghe báo cáo, ý kiến kết luận như sau:" % (R.randint(1, 28), R.randint(1, 12), y, pick(NAMES)),
                 "Văn phòng thông báo để các đơn vị biết, thực hiện."]
    elif kind == "DANH SÁCH":
        body += [kind, pick(["Cán bộ tham gia %s", "Điều tra viên %s", "Đại biểu dự hội nghị %s"]) % t, "STT Họ và tên Đơn vị Ghi chú"]
        body += ["%d %s %s" % (i + 1, pick(NAMES), pick(["Phòng Tổng hợp", "Chi cục Thống kê", "Văn phòng"])) for i in range(R.randint(4, 9))]
    elif kind == "KẾ HOẠCH":
        body += [kind, "Triển khai %s năm %d" % (t, y), "I. MỤC ĐÍCH, YÊU CẦU", "Bảo đảm thu thập thông tin đầy đủ, kịp thời.",
                 "II. NỘI DUNG VÀ TIẾN ĐỘ", "Tháng %d: tập huấn nghiệp vụ; tháng %d: thu thập thông tin." % (R.randint(1, 6), R.randint(7, 12)),
                 "III. TỔ CHỨC THỰC HIỆN", "Giao %s chủ trì, phối hợp với các đơn vị liên quan." % pick(UNITS)]
    elif kind == "HỢP ĐỒNG":
        body += [kind + " " + pick(["LAO ĐỘNG", "KINH TẾ", "THUÊ KHOÁN CHUYÊN MÔN"]), "Bên A: %s" % pick(["Cục Thống kê tỉnh %s" % prov(), "Tổng cục Thống kê"]),
                 "Bên B: Ông (Bà) %s" % pick(NAMES), "Hai bên thỏa thuận ký kết hợp đồng với các điều khoản sau:",
                 "Giá trị hợp đồng: %s đồng. Phương thức thanh toán: chuyển khoản." % num(1000000, 90000000, 0), "ĐẠI DIỆN BÊN A ĐẠI DIỆN BÊN B"]
    elif kind == "PHIẾU ĐIỀU TRA":
        body += [kind, t.upper(), "Thông tin được bảo mật theo Luật Thống kê", "1. Họ và tên chủ hộ: ....................",
                 "2. Số nhân khẩu của hộ: ......", "3. Hộ có làm nông nghiệp không?  Có [ ]  Không [ ]", "Điều tra viên ký tên"]
    elif kind == "MỤC LỤC":
        body += [kind] + ["%s %d" % (pick(TABLE_TITLES), R.randint(3, 400)) for _ in range(R.randint(5, 10))]
    elif kind == "LỜI NÓI ĐẦU":
        body += [kind, "Niên giám thống kê năm %d được biên soạn nhằm đáp ứng yêu cầu thông tin của các cơ quan, tổ chức và người dùng tin." % y,
                 "Trong quá trình biên soạn, chúng tôi mong nhận được ý kiến đóng góp của bạn đọc.", pick(NAMES)]
    elif kind == "QUY CHẾ":
        body += [kind, "%s" % pick(["Làm việc của Cục Thống kê", "Quản lý và sử dụng tài liệu lưu trữ", "Chi tiêu nội bộ"]), "Chương I. NHỮNG QUY ĐỊNH CHUNG",
                 "Quy chế này quy định về nguyên tắc, trách nhiệm và quan hệ công tác."]
    else:
        body += [kind, "Cấp cho: Ông (Bà) %s" % pick(NAMES), "Chức vụ: %s" % pick(["Chuyên viên", "Thống kê viên"]),
                 "Được cử đi: %s" % prov(), "Lý do: %s" % t, "Giấy có giá trị đến hết ngày %d/%d/%d." % (R.randint(1, 28), R.randint(1, 12), y)]
    return body


def strip_marks(s):
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.category(ch) != "Mn":
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).replace("đ", "d").replace("Đ", "D")


def ocr_noise(text):
    """Drops marks of some words and a letter here and there."""
    words = text.split(" ")
    for i, w in enumerate(words):
        r = R.random()
        if r < 0.08:
            words[i] = strip_marks(w)
        elif r < 0.11 and len(w) > 3:
            k = R.randrange(len(w))
            words[i] = w[:k] + w[k + 1:]
    return " ".join(words)


MAKERS = {"quyet-dinh": quyet_dinh, "chi-thi": chi_thi, "cong-van": cong_van, "bao-cao": bao_cao,
          "bieu-so-lieu": bieu, "bai-viet": bai_viet, "khac": khac}

for slug, make in MAKERS.items():
    d = os.path.join(HERE, slug)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.endswith(".txt"):
            os.remove(os.path.join(d, f))
    for i in range(N):
        lines = [l for l in make() if l is not None and l != ""]
        # common sentences go inside the text, never above its heading
        for _ in range(R.randint(2, 6)):
            lines.insert(R.randint(len(lines) // 2, len(lines)), pick(FILLER))
        text = "\n".join(lines) + "\n"
        if R.random() < 0.3:
            text = ocr_noise(text)
        if R.random() < 0.1:
            text = strip_marks(text)
        with open(os.path.join(d, "%03d.txt" % (i + 1)), "w", encoding="utf-8") as fp:
            fp.write(unicodedata.normalize("NFC", text))
