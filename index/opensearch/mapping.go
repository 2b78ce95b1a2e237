package opensearch

import (
	"bytes"
	"encoding/json"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/indexdoc"
	"github.com/tracuu/tracuu/internal/terms"
)

// Field names are the embedded engine's, so that the two query plans read
// alike.
const (
	fTitle       = "title"    // canonical words of the title
	fTitleFolded = "title_f"  // the same without marks
	fTitlePairs  = "title_p"  // adjacent canonical words, joined by pairSep
	fTitleFPairs = "title_fp" // adjacent folded words, with positions: phrases
	fBody        = "body"
	fBodyFolded  = "body_f"
	fBodyPairs   = "body_p"
	fBodyFPairs  = "body_fp"
	fPublished   = "published"
	fSource      = "src"  // the stored article, kept in _source, never indexed
	fHash        = "hash" // its content hash, kept, never indexed
	fUID         = "uid"  // the id as a keyword with doc values: the tie-break of every sort
)

// layoutVersion changes whenever this package's mapping changes in a way
// that needs the index rebuilt, independently of index.SchemaVersion (which
// changes with the analysis both engines share).
const layoutVersion = 1

// Keys of the mapping's _meta that record what wrote the index.
const (
	metaSchema = "tracuu_schema"
	metaLayout = "tracuu_layout"
)

// pairSep joins the two words of a pair term. The engine splits field text
// at white space, so the embedded engine's "dân chủ" cannot keep its space;
// '|' never occurs inside a word (Unicode word boundaries break at it), so
// "dân|chủ" is still one unambiguous term.
const pairSep = "|"

// gapToken stands where the positions of a pair field jump (a sentence
// break, a dropped over-long word). The engine's stop filter removes it and
// leaves its position empty, so a phrase over pairs stops at a break as it
// does in the embedded engine. No pair is a lone '|'.
const gapToken = "|"

// Analyzer names defined in the index settings. Neither analyses anything:
// the text is pre-analysed in Go (package terms), the engine only splits it.
const (
	analyzerWords = "tracuu_words"
	analyzerPairs = "tracuu_pairs"
)

// keywordMax bounds a keyword value indexed (Lucene refuses terms over
// 32 KB, which would fail the whole article); longer values are kept in
// the record but match no filter.
const keywordMax = 2048

// textFieldsOf lists the pre-analysed fields, which _source leaves out:
// the stored article holds the text once.
var textFieldsOf = []string{fTitle, fTitleFolded, fTitlePairs, fTitleFPairs, fBody, fBodyFolded, fBodyPairs, fBodyFPairs}

// indexBody is the body of the request that creates an index: settings
// (shards, replicas, the two splitting analyzers) and a strict mapping.
func indexBody(c Config, extra obj) obj {
	settings := obj{
		"analysis": obj{
			"tokenizer": obj{"tracuu_space": obj{"type": "whitespace", "max_token_length": 512}},
			"filter":    obj{"tracuu_gap": obj{"type": "stop", "stopwords": arr{gapToken}, "ignore_case": false}},
			"analyzer": obj{
				analyzerWords: obj{"type": "custom", "tokenizer": "tracuu_space"},
				analyzerPairs: obj{"type": "custom", "tokenizer": "tracuu_space", "filter": arr{"tracuu_gap"}},
			},
		},
	}
	if c.Shards > 0 {
		settings["number_of_shards"] = c.Shards
	}
	if c.Replicas != nil {
		settings["number_of_replicas"] = *c.Replicas
	}
	for k, v := range extra {
		settings[k] = v
	}
	// Word fields keep frequencies, not positions: a phrase is answered
	// from the folded pair field, which keeps them. Canonical pairs only
	// rank the spelling typed, so they need none either (as in Bleve).
	text := func(analyzer, options string) obj {
		return obj{"type": "text", "analyzer": analyzer, "index_options": options}
	}
	keyword := obj{"type": "keyword", "ignore_above": keywordMax}
	props := obj{
		fTitle: text(analyzerWords, "freqs"), fTitleFolded: text(analyzerWords, "freqs"),
		fTitlePairs: text(analyzerPairs, "freqs"), fTitleFPairs: text(analyzerPairs, "positions"),
		fBody: text(analyzerWords, "freqs"), fBodyFolded: text(analyzerWords, "freqs"),
		fBodyPairs: text(analyzerPairs, "freqs"), fBodyFPairs: text(analyzerPairs, "positions"),
		fPublished: obj{"type": "date", "format": "strict_date_optional_time||epoch_millis"},
		fSource:    obj{"type": "object", "enabled": false},
		fHash:      obj{"type": "keyword", "index": false, "doc_values": false},
		fUID:       keyword,
	}
	for _, f := range append(index.FacetFields[:len(index.FacetFields):len(index.FacetFields)], index.FieldCluster) {
		props[f] = keyword
	}
	return obj{
		"settings": obj{"index": settings},
		"mappings": obj{
			"dynamic":    "strict",
			"_meta":      obj{metaSchema: index.SchemaVersion, metaLayout: layoutVersion},
			"_source":    obj{"excludes": textFieldsOf},
			"properties": props,
		},
	}
}

// dateLayout writes dates as the mapping's strict_date_optional_time reads
// them, to the millisecond the engine keeps.
const dateLayout = "2006-01-02T15:04:05.000Z07:00"

// document is the source of an article's document: its pre-analysed text
// fields, facet values, dates, and the stored record.
func document(d *indexdoc.Doc) obj {
	doc := obj{fSource: json.RawMessage(d.Stored), fHash: d.Hash, fUID: d.ID}
	for _, t := range []struct {
		text                         string
		exact, folded, pairs, fpairs string
	}{
		{d.Title, fTitle, fTitleFolded, fTitlePairs, fTitleFPairs},
		{d.Text, fBody, fBodyFolded, fBodyPairs, fBodyFPairs},
	} {
		words, folded := terms.Words(t.text), terms.FoldedWords(t.text)
		doc[t.exact] = terms.Join(words)
		doc[t.folded] = terms.Join(folded)
		doc[t.pairs] = terms.Join(terms.Pairs(words, pairSep))
		doc[t.fpairs] = gapped(terms.Pairs(folded, pairSep))
	}
	if d.Site != "" {
		doc[index.FieldSite] = d.Site
	}
	if d.Section != "" {
		doc[index.FieldSection] = d.Section
	}
	if len(d.Authors) > 0 {
		doc[index.FieldAuthor] = d.Authors
	}
	if d.Cluster != "" {
		doc[index.FieldCluster] = d.Cluster
	}
	if !d.Published.IsZero() {
		doc[fPublished] = d.Published.Format(dateLayout)
		doc[index.FieldYear] = d.Year()
		doc[index.FieldMonth] = d.Month()
	}
	return doc
}

// gapped joins pair terms with spaces, writing gapToken where two pairs are
// not at adjacent positions.
func gapped(pairs []terms.Word) string {
	var b bytes.Buffer
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte(' ')
			if p.Pos != pairs[i-1].Pos+1 {
				b.WriteString(gapToken + " ")
			}
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// encode writes v as one line of JSON, leaving <, > and & as they are.
func encode(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(v) // ends with '\n', as NDJSON wants
}
