package search

import "github.com/tracuu/tracuu/internal/article"

// Article is a stored article as the API returns it.
type Article article.Article
