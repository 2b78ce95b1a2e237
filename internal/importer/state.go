package importer

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tracuu/tracuu/internal/dedup"
)

// State remembers, across runs, what earlier imports saw: for each page the
// hash of its raw bytes (so an unchanged page is skipped before it is even
// parsed) and for each article its SimHash and cluster (so clusters
// span runs). It lives beside the index it describes and is written only
// after the articles it mentions are durable in the index, so it never
// claims more than the index holds.
type State struct {
	db *bolt.DB
}

// StateFile is the name of the state file inside an index version
// directory (bleve.Rebuild carries it over to the new version), or, for a
// cluster, inside the local directory named after the index it describes
// (internal/ingest carries it over on a rebuild).
const StateFile = "import-state.bolt"

var (
	bucketPages = []byte("pages") // page key → raw hash (16 bytes) + article id, or 0 + kind for no article
	bucketSims  = []byte("sims")  // article id → simhash (8 bytes) + cluster key
)

// OpenState opens (creating) the state file at path.
func OpenState(path string) (*State, error) {
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open import state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketPages, bucketSims} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open import state %s: %w", path, err)
	}
	return &State{db: db}, nil
}

// Close closes the state file.
func (s *State) Close() error { return s.db.Close() }

func rawHash(b []byte) [16]byte {
	sum := sha256.Sum256(b)
	var h [16]byte
	copy(h[:], sum[:16])
	return h
}

// unchanged reports whether the page under key was imported before with
// exactly these bytes, and when it was no article, the kind it was found
// to be ("not_article" for states written before kinds were kept), so a
// re-import counts it as the first import did. Safe for concurrent use by
// the workers.
func (s *State) unchanged(key string, h [16]byte) (same bool, notArticle string) {
	_ = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketPages).Get([]byte(key))
		same = len(v) >= 16 && [16]byte(v[:16]) == h
		switch rest := v[min(len(v), 16):]; {
		case !same:
		case len(rest) == 0:
			notArticle = "not_article"
		case rest[0] == 0:
			notArticle = string(rest[1:])
		}
		return nil
	})
	return same, notArticle
}

// pageRecord is what the state keeps of a page: its raw hash and the id of
// its article, or for a page that is no article, its kind.
type pageRecord struct {
	key  string
	h    [16]byte
	id   string
	kind string // for a page that is no article
}

type simRecord struct {
	id      string
	h       uint64
	cluster string
}

// record stores what a durable batch contained.
func (s *State) record(pages []pageRecord, sims []simRecord) error {
	if len(pages) == 0 && len(sims) == 0 {
		return nil
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		pb, sb := tx.Bucket(bucketPages), tx.Bucket(bucketSims)
		for _, p := range pages {
			v := append(p.h[:], p.id...)
			if p.id == "" {
				v = append(append(p.h[:], 0), p.kind...)
			}
			if err := pb.Put([]byte(p.key), v); err != nil {
				return err
			}
		}
		for _, r := range sims {
			v := binary.BigEndian.AppendUint64(nil, r.h)
			if err := sb.Put([]byte(r.id), append(v, r.cluster...)); err != nil {
				return err
			}
		}
		return nil
	})
}

// readSims fills a near-duplicate index with the SimHashes of earlier runs.
func (s *State) readSims(x *dedup.Index) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSims).ForEach(func(k, v []byte) error {
			if len(v) > 8 {
				x.Add(binary.BigEndian.Uint64(v[:8]), string(v[8:]))
				n++
			}
			return nil
		})
	})
	return n, err
}
