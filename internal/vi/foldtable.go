package vi

// The table behind the quick loop of fold, which reads one byte at a time
// and branches on neither the byte nor the bytes before it: it looks the
// byte up by itself and by its context, what the two bytes before it say it
// must be. It knows what the quick loops know (see fastpath.go); anything else,
// invalid UTF-8 included, is flagged eBad.

// Contexts.
const (
	xNone = iota // start of text, or the rune before is complete
	xC3          // after a lead byte C3 to C6: xC3+0 to xC3+3
	_
	_
	_
	xE1   // after E1
	xE2   // after E2
	xE1BA // after E1 BA: U+1E80–U+1EBF
	xE1BB // after E1 BB: U+1EC0–U+1EFF
	xE280 // after E2 80: U+2000–U+203F
)

// Entries: bits 0-7 hold the byte Fold outputs for the byte, if eEmit.
const (
	eEmit = 1 << 8 // Fold outputs a byte for it
	eBad  = 1 << 9 // a rune the table does not know, or invalid UTF-8
)

var (
	// lead2 tells, of the byte two back, what byteContext needs: 1 for E1, 2
	// for E2, 0 for any other. A table: a branch would be mispredicted.
	lead2 = [256]uint8{0xE1: 1, 0xE2: 2}
	// byteContext is indexed by lead2[c2]<<8 | c1, c2 and c1 being the two
	// bytes before.
	byteContext [4 << 8]uint8
	// foldEntries is indexed by byteContext<<8 | byte.
	foldEntries [16 << 8]uint16
)

// contextOf returns the context of the byte after c2 c1.
func contextOf(c2, c1 byte) uint {
	return uint(byteContext[uint(lead2[c2]&3)<<8|uint(c1)])
}

// foldEntry returns the entry of c0 after c2 c1.
func foldEntry(c2, c1, c0 byte) uint16 {
	return foldEntries[(contextOf(c2, c1)&15)<<8|uint(c0)]
}

// buildFoldEntries fills the tables above from info.
func buildFoldEntries() {
	for k := range 3 {
		for c := range 256 {
			x := xNone
			switch {
			case 0xC3 <= c && c <= 0xC6:
				x = xC3 + c - 0xC3
			case c == 0xE1:
				x = xE1
			case c == 0xE2:
				x = xE2
			case k == 1 && c == 0xBA:
				x = xE1BA
			case k == 1 && c == 0xBB:
				x = xE1BB
			case k == 2 && c == 0x80:
				x = xE280
			}
			byteContext[k<<8|c] = uint8(x)
		}
	}
	for i := range foldEntries {
		foldEntries[i] = eBad
	}
	set := func(x, c int, e uint16) { foldEntries[x<<8|c] = e }
	// ASCII is lowered. The lead bytes of letters output nothing, the last
	// byte outputs the letter folded.
	for c := range 0x80 {
		set(xNone, c, uint16(lowerASCII[c])|eEmit)
	}
	for c := 0xC3; c <= 0xC6; c++ {
		set(xNone, c, 0)
	}
	set(xNone, 0xE1, 0)
	set(xE1, 0xBA, 0)
	set(xE1, 0xBB, 0)
	letter := func(x, c int, inf uint8) {
		if inf != 0 {
			set(x, c, uint16(foldByte[inf&infoCode])|eEmit)
		}
	}
	for c := 0x80; c < 0xC0; c++ {
		for l := range 4 {
			letter(xC3+l, c, info2[l<<6|c&0x3F])
		}
		letter(xE1BA, c, info3[c&0x3F])
		letter(xE1BB, c, info3[1<<6|c&0x3F])
	}
	// Punctuation is output as it is.
	set(xNone, 0xE2, 0xE2|eEmit)
	set(xE2, 0x80, 0x80|eEmit)
	for c := 0x90; c <= 0xA7; c++ {
		set(xE280, c, uint16(c)|eEmit)
	}
}
