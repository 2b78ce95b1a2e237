// Package vi normalizes Vietnamese text for display, indexing and search.
// It knows nothing of the search engine: analyzers call NormalizeToken and
// FoldToken per token, the query planner calls Normalize, Fold and HasMarks.
//
// Three forms exist. Clean is the display form: Unicode NFC; the Icelandic
// look-alikes Ð/ð (U+00D0/U+00F0), often typed for Đ/đ, mapped to Đ/đ; soft
// hyphen, zero-width (non-)joiners, word joiner and BOM removed; NBSP and the
// other Unicode spaces turned into ' '; invalid UTF-8 replaced by U+FFFD; case
// kept. A zero-width space is a word break glued between two syllables
// ("Hà\u200bNội"), so it becomes a space there (search needs the break) and
// vanishes next to a space or at either end of the text. Normalize is Clean in
// lower case: the indexed "exact" form. Fold is Normalize without any
// diacritic and with đ→d ("Đà Nẵng" → "da nang"), the twin for queries typed
// without accents; accented letters of other languages lose their accents too
// (ü→u), other scripts are only lowered.
//
// Tone marks are placed the way most Vietnamese news sites write them, the
// so-called old style: in an open syllable ending in oa, oe or uy the mark
// goes on the first vowel (hòa, khỏe, thủy, ủy), with a final consonant on
// the second (hoàn, hoàng, huỳnh). In general the mark goes on the vowel that
// carries a vowel mark (ă â ê ô ơ ư; on ơ in ươ: người), else on the only
// vowel, else before a final consonant on the last vowel, else on the middle
// of three vowels (ngoài, khuỷu) or the first of two (mái, mùa). The u of qu
// and the i of gi followed by another vowel belong to the consonant (quý,
// giá, giữa). Each run of letters is read as one syllable; a run that is not
// a Vietnamese syllable (an English word, a code, two syllables glued
// together, a letter with a mark that has no precomposed form) keeps its
// marks where they are and only has its case and Unicode form changed.
//
// Every function returns its input unchanged, without allocating, when there
// is nothing to do, and text already in NFC, the usual case, is handled in a
// single pass. The result of each function is a fixed point: applying it
// again changes nothing, and Fold(Normalize(s)) == Fold(s).
package vi
