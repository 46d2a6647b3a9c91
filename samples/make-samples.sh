#!/bin/bash
# make-samples.sh — (re)generate samples/box-demo/, the demo box of scans,
# samples/TRUTH.md, the exact text of each of its pages, and samples/truth/,
# the same ground truth in the dev corpus's layout (documents.json,
# tables.json, pages/box-demo__NNNN.tif_p1.txt) so bench/score.py can score
# an export of the demo box.
#
# The box is what a scanner leaves after a small box from a statistics office:
# one single-page A4 TIFF per sheet, blank separator sheets between documents,
# no inventory.  The generated files are committed; the build never runs this.
#
# Needs: Debian's ImageMagick 6 (`convert`) and fonts-dejavu.
# Usage: samples/make-samples.sh
#
# Deterministic: every random effect uses a fixed -seed, and no timestamp is
# written into the TIFFs, so running it again gives the same files (for the
# same ImageMagick and fonts).
set -euo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "$0")" && pwd)
BOX=box-demo
out=$here/$BOX
truth_md=$here/TRUTH.md
truth_dir=$here/truth

command -v convert >/dev/null || { echo "make-samples: ImageMagick 'convert' not found" >&2; exit 2; }
FONTDIR=/usr/share/fonts/truetype/dejavu
REG=$FONTDIR/DejaVuSerif.ttf
BOLD=$FONTDIR/DejaVuSerif-Bold.ttf
ITAL=$FONTDIR/DejaVuSerif-Italic.ttf
BOLDITAL=$FONTDIR/DejaVuSerif-BoldItalic.ttf
for f in "$REG" "$BOLD" "$ITAL" "$BOLDITAL"; do
	[[ -r $f ]] || { echo "make-samples: font $f missing (apt-get install fonts-dejavu)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$truth_dir/pages"
rm -f "$out"/*.tif "$truth_dir"/pages/*.txt

# A4 at 300 dpi.  Text sizes are in pixels at 300 dpi (48 px ~ 11.5 pt).
W=2480 H=3508
LEFT=354          # 30 mm left margin
RIGHT=2244        # 20 mm right margin
BODY=48           # body text size
HEAD=44           # header block size
LEADING=70        # body line pitch
PARSKIP=18        # extra space after a paragraph
INDENT=118        # first-line indent (10 mm)
LCX=720           # centre of the header's left block
RCX=1700          # centre of the header's right block

# ---------------------------------------------------------------- drawing --
# A page is drawn from ARGS (convert options) and its text, in reading order,
# is kept in TRUTH_LINES.  Y is the current top of the next line.
ARGS=() TRUTH_LINES=() Y=0
TABLES=() TABLES_JSON=() # this page's tables, every page's tables (as JSON)

page_begin() { ARGS=() TRUTH_LINES=() TABLES=() Y=$1; }

# measure FONT SIZE WORD... : print each word's advance width, one per line
measure() {
	local font=$1 size=$2 w
	shift 2
	local labels=()
	for w in "$@"; do labels+=("label:$w"); done
	convert -density 72 -font "$font" -pointsize "$size" "${labels[@]}" -format '%w\n' info:
}

# put FONT SIZE ALIGN X TEXT : one line at the current Y, left-aligned at X
# (l), centred on X (c) or right-aligned at X (r).  Does not move Y.
put() {
	local font=$1 size=$2 align=$3 x=$4 txt=$5 g off
	case $align in
	l) g=NorthWest off=$(printf '%+d%+d' "$x" "$Y") ;;
	c) g=North off=$(printf '%+d%+d' $((x - W / 2)) "$Y") ;;
	r) g=NorthEast off=$(printf '%+d%+d' $((W - x)) "$Y") ;;
	esac
	ARGS+=(-font "$font" -pointsize "$size" -gravity "$g" -interword-spacing 0
		-annotate "$off" "$txt")
	TRUTH_LINES+=("$txt")
}

# rule X0 Y0 X1 Y1 : a filled black rectangle (underlines, table rulings)
rule() { ARGS+=(-gravity NorthWest -draw "rectangle $1,$2 $3,$4"); }

# width FONT SIZE TEXT : advance width of TEXT
width() { measure "$1" "$2" "$3"; }

# para [-f FONT] [-i INDENT] [-b LEAD] TEXT : a justified paragraph over the
# text width.  LEAD (e.g. "Điều 1.") is set in bold at its start.
para() {
	local font=$REG indent=$INDENT lead="" OPTIND=1 opt
	while getopts f:i:b: opt; do
		case $opt in
		f) font=$OPTARG ;;
		i) indent=$OPTARG ;;
		b) lead=$OPTARG ;;
		*) echo "para: bad option" >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	local text=$1
	local -a words widths
	read -ra words <<<"$text"
	if ((${#words[@]} == 0)); then # a heading: the bold lead alone
		put "$BOLD" $BODY l $((LEFT + indent)) "$lead"
		Y=$((Y + LEADING + PARSKIP))
		return
	fi
	mapfile -t widths < <(measure "$font" $BODY "${words[@]}")
	local sp
	sp=$(($(width "$font" $BODY "x x") - $(width "$font" $BODY "xx")))
	local leadw=0
	if [[ -n $lead ]]; then
		leadw=$(width "$BOLD" $BODY "$lead")
	fi
	local n=${#words[@]} i=0 first=1
	while ((i < n)); do
		local x=$((LEFT + (first ? indent : 0)))
		local avail=$((RIGHT - x)) used=0 j=$i
		if ((first)) && [[ -n $lead ]]; then used=$((leadw + sp)); fi
		# greedy fill
		while ((j < n)); do
			local add=${widths[j]}
			((j > i)) && add=$((add + sp))
			((used + add > avail)) && break
			used=$((used + add))
			j=$((j + 1))
		done
		((j == i)) && j=$((i + 1)) # a word wider than the line: put it alone
		local -a tok=("${words[@]:i:j-i}")
		local line="${tok[*]}"
		local gaps=$((j - i - 1))
		((first)) && [[ -n $lead ]] && gaps=$((gaps + 1))
		# justify all lines but the paragraph's last
		local gap100=$((sp * 100))
		if ((j < n && gaps > 0)); then
			gap100=$((sp * 100 + (avail - used) * 100 / gaps))
		fi
		local gap
		gap=$(printf '%d.%02d' $((gap100 / 100)) $((gap100 % 100)))
		local tx=$x full=$line
		if ((first)) && [[ -n $lead ]]; then
			ARGS+=(-font "$BOLD" -pointsize "$BODY" -gravity NorthWest -interword-spacing 0
				-annotate "$(printf '%+d%+d' "$x" "$Y")" "$lead")
			tx=$((x + leadw + gap100 / 100))
			full="$lead $line"
		fi
		ARGS+=(-font "$font" -pointsize "$BODY" -gravity NorthWest -interword-spacing "$gap"
			-annotate "$(printf '%+d%+d' "$tx" "$Y")" "$line")
		TRUTH_LINES+=("$full")
		Y=$((Y + LEADING))
		i=$j first=0
	done
	Y=$((Y + PARSKIP))
}

# signature scribble centred on X at the current Y (no text)
scribble() {
	local x=$1 y=$Y
	ARGS+=(-gravity NorthWest -fill none -stroke black -strokewidth 5 -draw
		"path 'M $((x - 250)),$((y + 150)) C $((x - 215)),$((y + 20)) $((x - 160)),$((y - 10)) $((x - 170)),$((y + 80)) C $((x - 180)),$((y + 170)) $((x - 120)),$((y + 160)) $((x - 95)),$((y + 70)) C $((x - 80)),$((y + 10)) $((x - 55)),$((y + 40)) $((x - 50)),$((y + 110)) C $((x - 45)),$((y + 150)) $((x - 10)),$((y + 140)) $((x + 20)),$((y + 60)) C $((x + 40)),$((y + 5)) $((x + 70)),$((y + 30)) $((x + 65)),$((y + 100)) C $((x + 60)),$((y + 160)) $((x + 130)),$((y + 120)) $((x + 170)),$((y + 70)) C $((x + 200)),$((y + 35)) $((x + 230)),$((y + 60)) $((x + 270)),$((y + 45))'"
		-strokewidth 4 -draw "path 'M $((x - 230)),$((y + 190)) C $((x - 80)),$((y + 160)) $((x + 120)),$((y + 175)) $((x + 240)),$((y + 150))'"
		-stroke none -fill black)
}

# national administrative header.  national_header ORG1 ORG2 NUMBER PLACE_DATE [VV...]
national_header() {
	local org1=$1 org2=$2 num=$3 date=$4
	shift 4
	local y0=$Y w
	# left block: superior body, issuing body (bold, underlined), number
	put "$REG" $HEAD c $LCX "$org1"
	Y=$((y0 + 60))
	put "$BOLD" $HEAD c $LCX "$org2"
	w=$(width "$BOLD" $HEAD "$org2")
	rule $((LCX - w / 6)) $((Y + 76)) $((LCX + w / 6)) $((Y + 78))
	Y=$((y0 + 150))
	put "$REG" $HEAD c $LCX "$num"
	local v
	for v in "$@"; do
		Y=$((Y + 58))
		put "$REG" 40 c $LCX "$v"
	done
	# right block: country, motto (underlined), place and date (italic)
	Y=$y0
	put "$BOLD" $HEAD c $RCX "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	Y=$((y0 + 60))
	put "$BOLD" 46 c $RCX "Độc lập - Tự do - Hạnh phúc"
	w=$(width "$BOLD" 46 "Độc lập - Tự do - Hạnh phúc")
	rule $((RCX - w / 2)) $((Y + 78)) $((RCX + w / 2)) $((Y + 80))
	Y=$((y0 + 150))
	put "$ITAL" 46 c $RCX "$date"
	Y=$((Y + 58 * ($# > 0 ? $# : 0) + 110))
}

# page_render NAME : draw ARGS on a white A4 sheet as $tmp/NAME.png (grey)
# and append the page's text to the truth file
page_render() {
	local name=$1
	convert -size ${W}x${H} xc:white -fill black -stroke none "${ARGS[@]}" \
		-colorspace Gray -depth 8 "$tmp/$name.png"
	if ((${#TRUTH_LINES[@]} == 0)); then
		printf '## %s\n\n*(blank separator sheet: no text)*\n\n' "$name.tif" >>"$tmp/truth.md"
		return
	fi
	{
		printf '## %s\n\n```text\n' "$name.tif"
		printf '%s\n' "${TRUTH_LINES[@]}"
		printf '```\n\n'
	} >>"$tmp/truth.md"
	printf '%s\n' "${TRUTH_LINES[@]}" >"$truth_dir/pages/${BOX}__$name.tif_p1.txt"
	if ((${#TABLES[@]})); then
		local IFS=,
		TABLES_JSON+=("  \"$BOX/$name.tif#1\": [${TABLES[*]}
  ]")
	fi
}

# json STRING : STRING as a JSON string literal
json() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

# ---------------------------------------------------------------- scanning --
# speckle SEED COUNT : a white A4 layer with about COUNT black specks of dust
# (most of a few pixels, one in five larger)
speckle() {
	local seed=$1 count=$2
	# Impulse noise on white leaves isolated dark pixels (about 0.055 x the
	# attenuation per pixel); erosion grows each into a speck.
	local n=$((W * H))
	local a1 a2
	a1=$(awk -v c="$count" -v n=$n 'BEGIN{printf "%.7f", c * 0.8 / n * 18}')
	a2=$(awk -v c="$count" -v n=$n 'BEGIN{printf "%.7f", c * 0.2 / n * 18}')
	convert \( -size ${W}x${H} xc:white -seed "$seed" -attenuate "$a1" +noise Impulse \
		-colorspace Gray -threshold 50% -morphology Erode Disk:1.5 \) \
		\( -size ${W}x${H} xc:white -seed $((seed + 1000)) -attenuate "$a2" +noise Impulse \
		-colorspace Gray -threshold 50% -morphology Erode Disk:3.2 \) \
		-compose Darken -composite "$tmp/speck-$seed.png"
}

# bitonal NAME SEED SKEW SPECKS : scan a drawn page to a CCITT G4 TIFF at 300 dpi
bitonal() {
	local name=$1 seed=$2 skew=$3 specks=$4
	local rot=()
	[[ $skew != 0 ]] && rot=(-background white -rotate "$skew" -gravity center -extent "${W}x${H}" +repage)
	speckle "$seed" "$specks"
	convert "$tmp/$name.png" "${rot[@]}" \
		-blur 0x1.2 -seed "$seed" -attenuate 3 +noise Gaussian -blur 0x0.8 -threshold 52% \
		"$tmp/speck-$seed.png" -compose Darken -composite \
		-type Bilevel -define tiff:rows-per-strip=${H} -compress Group4 \
		-units PixelsPerInch -density 300 +set date:create +set date:modify \
		-define tiff:timestamp=false -strip \
		"$out/$name.tif"
}

# grey NAME SEED : scan a drawn page in 8-bit grey at 200 dpi, JPEG-compressed
grey() {
	local name=$1 seed=$2
	# Slightly yellowed paper with uneven tone, soft print, sensor noise.
	convert "$tmp/$name.png" -blur 0x1.0 +level 14%,93% \
		\( -size ${W}x${H} gradient:'gray(96%)-gray(88%)' -rotate 0 \) -compose Multiply -composite \
		-seed "$seed" -attenuate 0.35 +noise Gaussian \
		-resize 1654x2339! -colorspace Gray -depth 8 \
		-sampling-factor 1x1 -compress JPEG -quality 55 \
		-units PixelsPerInch -density 200 +set date:create +set date:modify \
		-define tiff:timestamp=false -strip \
		"$out/$name.tif"
}

# blank NAME SEED SPECKS : a separator sheet — white with a few specks
blank() {
	local name=$1 seed=$2 specks=$3
	page_begin 0
	page_render "$name"
	bitonal "$name" "$seed" 0 "$specks"
}

: >"$tmp/truth.md"

# ================================================================ 0001 ======
# Quyết định, page 1
page_begin 236
national_header "BỘ KẾ HOẠCH VÀ ĐẦU TƯ" "TỔNG CỤC THỐNG KÊ" "Số: 123/QĐ-TCTK" \
	"Hà Nội, ngày 15 tháng 12 năm 2023"
put "$BOLD" 54 c $((W / 2)) "QUYẾT ĐỊNH"
Y=$((Y + 80))
put "$BOLD" $BODY c $((W / 2)) "Về việc ban hành Kế hoạch số hóa tài liệu lưu trữ năm 2024"
w=$(width "$BOLD" $BODY "Về việc ban hành Kế hoạch số hóa tài liệu lưu trữ năm 2024")
rule $((W / 2 - w / 6)) $((Y + 94)) $((W / 2 + w / 6)) $((Y + 96))
Y=$((Y + 140))
put "$BOLD" $BODY c $((W / 2)) "TỔNG CỤC TRƯỞNG TỔNG CỤC THỐNG KÊ"
Y=$((Y + 110))
para -f "$ITAL" "Căn cứ Luật Thống kê ngày 23 tháng 11 năm 2015;"
para -f "$ITAL" "Căn cứ Luật Lưu trữ ngày 11 tháng 11 năm 2011;"
para -f "$ITAL" "Căn cứ Quyết định số 10/2020/QĐ-TTg ngày 18 tháng 3 năm 2020 của Thủ tướng Chính phủ quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Tổng cục Thống kê thuộc Bộ Kế hoạch và Đầu tư;"
para -f "$ITAL" "Theo đề nghị của Chánh Văn phòng Tổng cục Thống kê."
Y=$((Y + 10))
put "$BOLD" $BODY c $((W / 2)) "QUYẾT ĐỊNH:"
Y=$((Y + 100))
para -b "Điều 1." "Ban hành kèm theo Quyết định này Kế hoạch số hóa tài liệu lưu trữ năm 2024 của Tổng cục Thống kê, gồm các nội dung chủ yếu sau đây:"
para -b "1. Mục đích, yêu cầu" ""
para "a) Số hóa toàn bộ tài liệu lưu trữ có giá trị bảo quản vĩnh viễn đang lưu giữ tại kho lưu trữ của Tổng cục Thống kê, bao gồm niên giám thống kê, báo cáo tình hình kinh tế - xã hội hằng tháng, quý, năm và kết quả các cuộc tổng điều tra dân số và nhà ở."
para "b) Tài liệu sau khi số hóa phải bảo đảm tính toàn vẹn, xác thực, được tổ chức khoa học, thuận tiện cho việc tra cứu, khai thác và chia sẻ dữ liệu thống kê."
para "c) Việc số hóa phải tuân thủ quy định của pháp luật về lưu trữ, bảo vệ bí mật nhà nước và bảo đảm an toàn thông tin."
para -b "2. Nội dung thực hiện" ""
para "a) Rà soát, thống kê khối lượng tài liệu cần số hóa; phân loại tài liệu theo phông, hộp, hồ sơ và lập danh mục tài liệu đưa ra số hóa."
para "b) Quét tài liệu, nhận dạng ký tự quang học (OCR) tiếng Việt, kiểm tra chất lượng ảnh quét và biên mục siêu dữ liệu theo tiêu chuẩn Dublin Core."
para "c) Xây dựng cơ sở dữ liệu tài liệu lưu trữ số, tích hợp công cụ tìm kiếm toàn văn và cung cấp dịch vụ tra cứu trực tuyến cho người dùng tin thống kê."
page_render 0001
bitonal 0001 11 0 60

# ================================================================ 0002 ======
# Quyết định, page 2 — fed a little crooked (skewed 1.5°)
page_begin 150
put "$REG" $BODY c $((W / 2)) "2"
Y=$((Y + 130))
para -b "3. Tiến độ thực hiện" ""
para "Quý I năm 2024 hoàn thành rà soát, lập danh mục tài liệu; quý II và quý III năm 2024 thực hiện quét và nhận dạng tài liệu; quý IV năm 2024 hoàn thiện cơ sở dữ liệu, kiểm tra và nghiệm thu kết quả."
para -b "4. Tổ chức thực hiện" ""
para "Các đơn vị thuộc Tổng cục Thống kê có trách nhiệm bàn giao tài liệu đến hạn nộp lưu, phối hợp kiểm tra kết quả số hóa và báo cáo tiến độ hằng quý về Văn phòng Tổng cục để tổng hợp."
para -b "Điều 2." "Giao Văn phòng Tổng cục chủ trì, phối hợp với Trung tâm Tin học thống kê khu vực I và các đơn vị liên quan tổ chức thực hiện Kế hoạch này. Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước năm 2024 giao cho Tổng cục Thống kê."
para -b "Điều 3." "Quyết định này có hiệu lực kể từ ngày ký."
para "Chánh Văn phòng, Vụ trưởng Vụ Kế hoạch tài chính, Thủ trưởng các đơn vị thuộc Tổng cục Thống kê và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./."
Y=$((Y + 60))
y_sig=$Y
put "$BOLDITAL" 40 l $LEFT "Nơi nhận:"
Y=$((Y + 56)); put "$REG" 38 l $LEFT "- Như Điều 3;"
Y=$((Y + 52)); put "$REG" 38 l $LEFT "- Lãnh đạo Tổng cục;"
Y=$((Y + 52)); put "$REG" 38 l $LEFT "- Lưu: VT, VP."
Y=$y_sig
put "$BOLD" 46 c $RCX "TỔNG CỤC TRƯỞNG"
Y=$((Y + 120)); scribble $RCX
Y=$((Y + 260))
put "$BOLD" 46 c $RCX "Nguyễn Văn Minh"
page_render 0002
bitonal 0002 12 1.5 50

# ================================================================ 0003 ======
blank 0003 13 14

# ================================================================ 0004 ======
# Công văn — scanned in grey at 200 dpi
page_begin 236
national_header "BỘ KẾ HOẠCH VÀ ĐẦU TƯ" "TỔNG CỤC THỐNG KÊ" "Số: 2456/TCTK-DSLĐ" \
	"Hà Nội, ngày 20 tháng 12 năm 2023" \
	"V/v cung cấp số liệu dân số" "trung bình năm 2023"
Y=$((Y + 20))
put "$REG" $BODY c $((W / 2)) "Kính gửi: Cục Thống kê các tỉnh, thành phố trực thuộc Trung ương."
Y=$((Y + 130))
para "Để phục vụ việc biên soạn Niên giám thống kê năm 2023 và cập nhật cơ sở dữ liệu thống kê quốc gia, Tổng cục Thống kê đề nghị Cục Thống kê các tỉnh, thành phố trực thuộc Trung ương cung cấp số liệu dân số trung bình năm 2023 phân theo giới tính và phân theo thành thị, nông thôn của địa phương."
para "Số liệu đề nghị lập theo biểu mẫu kèm theo Công văn này, có chữ ký của Cục trưởng và đóng dấu của đơn vị, gửi về Tổng cục Thống kê (qua Vụ Thống kê Dân số và Lao động) trước ngày 15 tháng 01 năm 2024, đồng thời gửi bản điện tử qua hệ thống thư điện tử công vụ."
para "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ Vụ Thống kê Dân số và Lao động, số điện thoại 024.3733.1234 để được hướng dẫn."
para "Tổng cục Thống kê đề nghị Cục Thống kê các tỉnh, thành phố quan tâm, phối hợp thực hiện./."
Y=$((Y + 60))
y_sig=$Y
put "$BOLDITAL" 40 l $LEFT "Nơi nhận:"
Y=$((Y + 56)); put "$REG" 38 l $LEFT "- Như trên;"
Y=$((Y + 52)); put "$REG" 38 l $LEFT "- Lãnh đạo Tổng cục (để b/c);"
Y=$((Y + 52)); put "$REG" 38 l $LEFT "- Lưu: VT, DSLĐ."
Y=$y_sig
put "$BOLD" 46 c $RCX "KT. TỔNG CỤC TRƯỞNG"
Y=$((Y + 62))
put "$BOLD" 46 c $RCX "PHÓ TỔNG CỤC TRƯỞNG"
Y=$((Y + 110)); scribble $RCX
Y=$((Y + 260))
put "$BOLD" 46 c $RCX "Trần Thị Lan"
page_render 0004
grey 0004 14

# ================================================================ 0005 ======
blank 0005 15 9

# ================================================================ 0006 ======
# Biểu số liệu — a yearbook page with two ruled tables

# grid_table TITLE UNIT HEADER_CELLS ROW... : a fully ruled table at the
# current Y.  HEADER_CELLS and each ROW are |-separated; a row's first cell
# is its label, the rest are numbers (right-aligned); the first row is a
# total, set in bold.
TX0=230 LABW=520 COLW=304 ROWH=84 TSIZE=44
grid_table() {
	local title=$1 unit=$2 head=$3
	shift 3
	local -a hcells rows=("$@") cells
	IFS='|' read -ra hcells <<<"$head"
	local ncol=${#hcells[@]} r c yy xx f lx
	local tx1=$((TX0 + LABW + ncol * COLW))
	put "$BOLD" 50 c $((W / 2)) "$title"
	Y=$((Y + 100))
	put "$ITAL" 42 r $tx1 "Đơn vị tính: $unit"
	Y=$((Y + 72))
	local ty0=$Y nrows=$((1 + ${#rows[@]}))
	local ty1=$((ty0 + nrows * ROWH))
	# rulings: outer frame heavier, inner lines thin
	rule $TX0 $ty0 $tx1 $((ty0 + 4))
	rule $TX0 $((ty1 - 4)) $tx1 $ty1
	rule $TX0 $ty0 $((TX0 + 4)) $ty1
	rule $((tx1 - 4)) $ty0 $tx1 $ty1
	for ((r = 1; r < nrows; r++)); do
		yy=$((ty0 + r * ROWH))
		rule $TX0 $((yy - 1)) $tx1 $((yy + 1))
	done
	for ((c = 0; c < ncol; c++)); do
		xx=$((TX0 + LABW + c * COLW))
		rule $((xx - 1)) $ty0 $((xx + 1)) $ty1
	done
	# heading row: centred column labels, one truth line each
	Y=$((ty0 + 18))
	for ((c = 0; c < ncol; c++)); do
		put "$BOLD" $((TSIZE - 4)) c $((TX0 + LABW + c * COLW + COLW / 2)) "${hcells[c]}"
	done
	# body rows: label left (indented under the total), numbers right-aligned
	for ((r = 0; r < ${#rows[@]}; r++)); do
		IFS='|' read -ra cells <<<"${rows[r]}"
		Y=$((ty0 + (r + 1) * ROWH + 18))
		if ((r == 0)); then f=$BOLD lx=$((TX0 + 22)); else f=$REG lx=$((TX0 + 60)); fi
		ARGS+=(-font "$f" -pointsize "$TSIZE" -gravity NorthWest -interword-spacing 0
			-annotate "$(printf '%+d%+d' $lx "$Y")" "${cells[0]}" -gravity NorthEast)
		for ((c = 1; c <= ncol; c++)); do
			ARGS+=(-annotate "$(printf '%+d%+d' $((W - (TX0 + LABW + c * COLW - 24))) "$Y")" "${cells[c]}")
		done
		TRUTH_LINES+=("${cells[*]}")
	done
	Y=$((ty1 + 30))
	# ground truth in the corpus's tables.json form: cells and records
	local -a jc=() jr=()
	jc+=("{\"row\": 0, \"col\": 0, \"rowspan\": 1, \"colspan\": 1, \"text\": \"\"}")
	for ((c = 0; c < ncol; c++)); do
		jc+=("{\"row\": 0, \"col\": $((c + 1)), \"rowspan\": 1, \"colspan\": 1, \"text\": $(json "${hcells[c]}")}")
	done
	for ((r = 0; r < ${#rows[@]}; r++)); do
		IFS='|' read -ra cells <<<"${rows[r]}"
		for ((c = 0; c <= ncol; c++)); do
			jc+=("{\"row\": $((r + 1)), \"col\": $c, \"rowspan\": 1, \"colspan\": 1, \"text\": $(json "${cells[c]}")}")
			if ((c > 0)); then
				jr+=("{\"row\": $(json "${cells[0]}"), \"column\": $(json "${hcells[c - 1]}"), \"value\": $(json "${cells[c]}"), \"unit\": $(json "$unit")}")
			fi
		done
	done
	local IFS=','
	TABLES+=("
   {\"title\": $(json "$title"), \"unit\": $(json "$unit"), \"style\": \"grid\",
    \"bbox\": [$TX0, $ty0, $tx1, $ty1], \"header_rows\": 1, \"n_rows\": $nrows, \"n_cols\": $((ncol + 1)),
    \"cells\": [${jc[*]}],
    \"records\": [${jr[*]}]}")
}

page_begin 280
grid_table "Dân số trung bình phân theo địa phương" "Nghìn người" \
	"2019|2020|2021|2022|Sơ bộ 2023" \
	"Cả nước|96.484,0|97.582,7|98.564,4|99.474,4|100.309,2" \
	"Hà Nội|8.053,7|8.246,6|8.330,8|8.435,7|8.587,1" \
	"Hải Phòng|2.033,3|2.053,5|2.072,4|2.088,0|2.105,0" \
	"Quảng Ninh|1.324,8|1.337,6|1.350,9|1.362,9|1.381,2" \
	"Thanh Hóa|3.645,8|3.664,9|3.690,0|3.722,1|3.739,9" \
	"Nghệ An|3.337,2|3.365,2|3.409,8|3.442,0|3.470,0" \
	"Đà Nẵng|1.141,1|1.169,5|1.195,5|1.220,2|1.245,2" \
	"Khánh Hòa|1.232,4|1.240,1|1.246,4|1.253,0|1.260,4" \
	"Lâm Đồng|1.299,3|1.312,9|1.321,7|1.332,5|1.341,5" \
	"TP. Hồ Chí Minh|8.993,1|9.227,6|9.166,8|9.389,7|9.456,7" \
	"Cần Thơ|1.235,9|1.240,7|1.244,7|1.252,3|1.258,9"
Y=$((Y + 150))
grid_table "Mật độ dân số phân theo địa phương" "Người/km2" \
	"2019|2020|2021|2022|Sơ bộ 2023" \
	"Cả nước|291|295|297|300|303" \
	"Hà Nội|2.398|2.455|2.480|2.511|2.556" \
	"Hải Phòng|1.299|1.346|1.358|1.368|1.379" \
	"Đà Nẵng|884|906|926|945|965" \
	"TP. Hồ Chí Minh|4.292|4.404|4.375|4.481|4.513" \
	"Cần Thơ|864|867|870|875|880"
Y=$((Y + 10))
put "$ITAL" 40 l $TX0 "Nguồn: Tổng cục Thống kê, Niên giám thống kê năm 2023."
page_render 0006
bitonal 0006 26 0 30

# ---------------------------------------------------------------- truth --
{
	cat <<'EOF'
# The demo box: exact text of each page

Generated by `samples/make-samples.sh` together with `samples/box-demo/` and
`samples/truth/`; do not edit by hand.  Each page's text is given in reading
order, one printed line per line (header: left block, then right block; a
table: title, unit, column headings, then one line per row with its cells
separated by spaces).  Blank separator sheets have no text.

EOF
	cat "$tmp/truth.md"
} >"$truth_md"

# documents: what a reader of the box should find (corpus documents.json form)
cat >"$truth_dir/documents.json" <<EOF
{
 "documents": [
  {
   "id": "demo-001",
   "class": "quyet-dinh",
   "dc": {
    "type": "Quyết định",
    "identifier": "123/QĐ-TCTK",
    "date": "2023-12-15",
    "creator": "TỔNG CỤC THỐNG KÊ",
    "title": "Về việc ban hành Kế hoạch số hóa tài liệu lưu trữ năm 2024",
    "language": "vi"
   },
   "pages": [
    {"file": "$BOX/0001.tif", "page": 1, "profile": "bitonal"},
    {"file": "$BOX/0002.tif", "page": 1, "profile": "bitonal-skewed"}
   ],
   "separator_after": "$BOX/0003.tif"
  },
  {
   "id": "demo-002",
   "class": "cong-van",
   "dc": {
    "type": "Công văn",
    "identifier": "2456/TCTK-DSLĐ",
    "date": "2023-12-20",
    "creator": "TỔNG CỤC THỐNG KÊ",
    "title": "Về việc cung cấp số liệu dân số trung bình năm 2023",
    "language": "vi"
   },
   "pages": [
    {"file": "$BOX/0004.tif", "page": 1, "profile": "gray-200dpi"}
   ],
   "separator_after": "$BOX/0005.tif"
  },
  {
   "id": "demo-003",
   "class": "bieu-so-lieu",
   "dc": {
    "type": "Biểu số liệu",
    "title": "Dân số trung bình phân theo địa phương",
    "language": "vi"
   },
   "pages": [
    {"file": "$BOX/0006.tif", "page": 1, "profile": "bitonal"}
   ]
  }
 ]
}
EOF

{
	printf '{\n'
	(
		IFS=,
		printf '%s\n' "${TABLES_JSON[*]}"
	)
	printf '}\n'
} >"$truth_dir/tables.json"

ls -l "$out"
