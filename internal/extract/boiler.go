package extract

import (
	"regexp"
	"strings"
)

// boilerLines are (folded, lower-case) texts that, as a whole short block or
// as its start, are template furniture on Vietnamese portals and news sites:
// visitor counters, login boxes, search boxes, navigation between stories,
// share and print links.
var boilerLines = []string{
	"thong ke truy cap", "tong truy cap", "tong so truy cap", "dang truy cap", "dang online", "luot xem",
	"luot truy cap", "so luot truy cap", "truy cap hom nay", "hom nay:", "hom qua:", "tuan nay:", "thang nay:",
	"thang hien tai", "nam nay:", "khach:", "thanh vien:", "online:",
	"dang nhap", "dang xuat", "nguoi dung:", "mat khau", "ten dang nhap", "ten truy cap", "quen mat khau",
	"dang ky", "ghi nho", "tim kiem", "nhap tu khoa", "tu khoa:", "tag:", "tags:", "chu de:",
	"tin lien quan", "cac tin khac", "tin khac", "tin moi hon", "tin cu hon", "tin da dua", "cac tin da dua",
	"xem nhieu", "doc nhieu", "tin xem nhieu", "ban in", "in bai viet", "in trang", "quay lai", "tro ve",
	"ve dau trang", "len dau trang", "xem tin theo ngay", "xem theo ngay", "chia se", "binh luan",
	"gui binh luan", "y kien ban doc", "gui y kien", "gui bai viet", "gui email", "gui cho ban be",
	"bai viet lien quan", "tin cung chuyen muc", "cung chuyen muc", "tin noi bat", "tin moi nhat",
	"thong tin giai tri", "lien ket website", "lien ket web", "ban quyen", "xem them", "xem tiep", "trang chu",
	"ve trang truoc", "danh gia bai viet", "y kien cua ban", "facebook", "twitter", "zalo", "email",
	"so luot nguoi xem", "so nguoi xem", "truy cap hien tai", "hien thi media", "xem theo ngay", "copyright", "©", "share", "tweet", "print", "related", "read more", "advertisement", "quang cao",
}

// stopLines mark the start of a trailing list that is never story text; what
// follows them inside the story container is dropped unless a real
// paragraph comes after.
var stopLines = []string{
	"tin lien quan", "cac tin khac", "tin khac", "tin moi hon", "tin cu hon", "tin da dua", "cac tin da dua",
	"xem tin theo ngay", "thong ke truy cap", "bai viet lien quan", "tin cung chuyen muc", "cung chuyen muc",
	"tin bai lien quan", "tin bai khac", "cac bai viet khac", "doc them", "xem them",
	"related", "related stories", "related articles", "read more", "more stories", "you may also like",
	"recommended", "most read", "most popular", "more from", "trending",
}

// promoPhrases anywhere in a short block mark it as a promotion or a
// widget's text rather than story text.
var promoPhrases = []string{
	"sign up for", "sign up to", "subscribe to", "subscribe now", "click here", "follow us on", "follow us:",
	"requires javascript", "enable javascript", "all rights reserved", "newsletter", "tell us what you think",
	"share this", "share on", "share it with", "have a tip?", "related:", "read more:", "read next", "advertisement",
	"dang ky nhan tin", "theo doi chung toi", "ban quyen thuoc ve",
}

// isPromo reports promotional or widget lines in English or Vietnamese;
// f is the folded text.
func isPromo(f string, runes int) bool {
	if runes > 250 {
		return false
	}
	for _, p := range promoPhrases {
		if strings.Contains(f, p) {
			return true
		}
	}
	return false
}

// isBoilerLine reports whether a short block (folded text f) is template
// furniture.
func isBoilerLine(f string, runes int) bool {
	if runes > 90 {
		return false
	}
	f = strings.TrimSpace(f)
	f = strings.TrimLeft(f, "»›>•·-–|:* ")
	for _, w := range boilerLines {
		if !strings.HasPrefix(f, w) {
			continue
		}
		rest := f[len(w):]
		// "Shares rose" and "Chia sẻ với báo chí, ông ..." are story text:
		// a furniture label ends at a word boundary and the line is short.
		if rest != "" && isWordByte(rest[0]) && !strings.HasSuffix(w, ":") {
			continue
		}
		if runes <= 40 || strings.ContainsAny(rest[:min(len(rest), 3)], ":0123456789") {
			return true
		}
	}
	return counterLine.MatchString(f) || onlyDigits(f)
}

// counterLine matches lines that are mostly a number with a label, as visitor
// counters print them ("Đang truy cập 9,870", "Hôm nay: 1.234").
var counterLine = regexp.MustCompile(`^[\pL ]{0,30}(:\s*[0-9][0-9.,]*|\s[0-9]{1,3}([.,][0-9]{3})+|\s[0-9]{3,})$`)

// isStopLine reports a short label (folded text f) that opens a list of
// other stories.
func isStopLine(f string, runes int) bool {
	if runes > 60 {
		return false
	}
	f = strings.TrimSpace(f)
	f = strings.TrimRight(strings.TrimLeft(f, "»›>•·-–|:* "), ":»›> ")
	for _, w := range stopLines {
		if f == w || strings.HasPrefix(f, w+" ") && runes <= 30 {
			return true
		}
	}
	return false
}

// datedLink matches list items of story links followed by a date, as portals
// print their "other news" lists: "Hội nghị sơ kết ... (20/10/2025)".
var datedLink = regexp.MustCompile(`[\(\[]?\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(\s+\d{1,2}:\d{2})?[\)\]]?\s*$`)

// sourceLine matches a closing credit of the source ("Nguồn: www.x.gov.vn").
var sourceLine = regexp.MustCompile(`^\(?(?i:nguồn|theo|source)\s*:\s*\S.{0,80}$|^\(?(?:Theo|theo|THEO)\s+\p{Lu}[^.,;:!?]{0,60}\)?$`)

// isWordByte reports a byte that continues a folded word.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// onlyDigits reports lines of nothing but digits and separators, such as
// the digit-per-cell visitor counters of some portals.
func onlyDigits(f string) bool {
	if f == "" || len(f) > 24 {
		return false
	}
	for _, c := range f {
		if !(c >= '0' && c <= '9' || c == '.' || c == ',' || c == ' ' || c == ':' || c == '/') {
			return false
		}
	}
	return true
}
