// Package source enumerates the raw pages and pre-extracted articles of an
// archive, whatever its shape, without parsing any HTML: that is the
// extractor's job. Walk calls a function for each Item; Count estimates
// how many there will be, for progress bars.
//
// # Formats
//
// A source is a directory or a file. Files are recognised by name, case
// insensitively:
//
//   - Pages: .html .htm .shtml .xhtml .aspx .php .asp .jsp, the same with
//     .gz appended (decompressed), and files without an extension whose
//     first bytes look like HTML. wget saves "list.php?page=2" under that
//     name; the query part is ignored when judging the extension. A page
//     is delivered as bytes even if it is binary: the extractor decides
//     what is an article. A file named directly in Walk is read as a page
//     whatever its extension, if it looks like HTML.
//   - Directories are walked recursively in sorted name order. Hidden
//     files and folders (".name"), "__MACOSX" and HTTrack's "hts-cache"
//     are skipped, and so, silently, is every file that is not a page or
//     one of the containers below (images, styles, scripts, text).
//     Containers found in a directory are walked in place.
//   - tar, .tar.gz, .tgz: streamed, never loaded whole, never extracted to
//     disk. zip: read through its central directory. Only regular files are
//     read; directories and links inside archives are ignored, archives
//     inside archives are reported as skipped.
//   - WARC/1.0 and WARC/1.1, plain (.warc) or gzipped (.warc.gz, one gzip
//     member per record as the standard recommends, or any other split,
//     including the whole file in one member). Records are framed strictly
//     by Content-Length and must end in CRLF CRLF. Only "response" records
//     holding an HTTP response (Content-Type application/http, msgtype
//     response or absent) with status 200 and an HTML Content-Type
//     (text/html, application/xhtml+xml; sniffed when absent) become items;
//     request, metadata, warcinfo, resource and revisit records, other
//     statuses and other types are skipped silently. Chunked transfer
//     encoding and gzip or deflate content encoding are decoded; the
//     Content-Encoding and Content-Length headers are then dropped from
//     Item.Header, as net/http's Transport does. Item.URL is
//     WARC-Target-URI (angle brackets, which wget writes, removed) and
//     Item.ModTime is WARC-Date.
//   - JSONL (.jsonl, .ndjson, and .gz of either): one article per line in
//     the import format, decoded by article.Article's UnmarshalJSON into
//     Item.Article; Item.URL is its "url". Blank lines are ignored; a line
//     that is not JSON or has neither title nor body is an Item.Err naming
//     the line.
//
// # Names
//
// Item.Name says where an item came from: the file path as walked
// ("dir/a/b.html"), an archive entry ("crawl.tar.gz!/a/b.html"), a JSONL
// line ("x.jsonl:17", counted from 1) or a WARC record by offset
// ("x.warc#1234": the byte offset of the record in a plain file; in a
// .warc.gz the file offset of the gzip member the record starts, so that
// "tail -c +1235 x.warc.gz | zcat | head" shows it, with "+N" appended when
// the record starts N bytes into the member's decompressed content).
//
// # Mirror layouts
//
// wget -r and HTTrack save a site as host/path. When one of the first four
// folders of a page's path (counting the walked directory's own name, or
// from the top of an archive) looks like a host name, the page's URL is
// rebuilt from it: "mirror/vnexpress.net/thoi-su/a.html" becomes
// https://vnexpress.net/thoi-su/a.html. A host name is a dotted DNS name
// whose last label is letters only and not a common file or folder suffix
// ("site.old", "v1.2" and "x.tar" are not hosts), or an IPv4 address, either
// with an optional ":port" (or "+port", wget's spelling on Windows).
//   - Scheme: a mirror does not record it, except under wget
//     --protocol-directories, whose "http/" or "https/" folder above the
//     host is used. Otherwise the URL gets https: nearly every Vietnamese
//     news site serves https today and redirects http to it, so https is
//     the URL a reader would share. article.CanonicalURL keeps the scheme,
//     so an http page imported from a mirror and again from a WARC gets two
//     ids; use --protocol-directories when that matters.
//   - "index.html" (or "index.htm") stands for its folder: vnexpress.net/tin/
//     index.html is https://vnexpress.net/tin/.
//   - A saved query ("list.php?page=2") becomes the URL's query; the ".html"
//     that wget --adjust-extension appends after it is removed.
//   - A page compressed after the crawl ("a.html.gz") gets the URL of the
//     page ("a.html").
//   - HTTrack's renamed query pages ("list4b2c.html") cannot be mapped
//     back; they get the URL of the file as saved.
//
// # Limits and failures
//
// Options.MaxItemBytes (default 32 MiB) bounds one page, archive entry,
// HTTP body or JSONL line. It is enforced on the decompressed bytes, with a
// limited reader, not just on the sizes an archive claims; a longer JSONL
// line is skipped in bounded memory, without being read whole.
// Options.MaxTotalBytes (default 8 GiB) bounds what one compressed file or
// archive may expand to, against zip bombs; past it the rest of that
// archive is abandoned with one Item.Err. Headers of WARC records and of
// the HTTP responses inside them are bounded too (64 KiB a line, 1 MiB in
// all).
//
// Options.Roots, when set, confines the walk: the source and every file or
// folder reached through a symbolic link must resolve under one of the
// roots, or it is refused (ErrOutsideRoots). Symbolic links to files and
// folders are followed otherwise; a folder reached twice (a link loop, or
// two links to one folder) is walked once, detected by device and inode.
// Devices, sockets and FIFOs with page names are reported, never opened.
// Archive entries with absolute names, drive letters or ".." are refused
// (ErrUnsafePath): they are never written to disk, but neither are their
// names trusted.
//
// Walk returns an error only when the source as a whole cannot be read: the
// path does not exist or leaves the roots, the format is unknown, the file
// does not start as its name says (not gzip, not a tar, no zip directory,
// no "WARC/1.x" line), the context is cancelled (checked between items) or
// fn returned an error, which is returned as is. Everything else is one
// Item with Err set, naming the file, entry, line or record, and the walk
// goes on: unreadable files and folders, broken links, oversize items, bad
// lines and malformed WARC records (the reader resynchronises on the next
// "WARC/1.x" line). A truncated or corrupt archive delivers the items before
// the damage, then one Item.Err saying where the damage is; for a
// container found inside a directory, even an unreadable start is an
// Item.Err and the directory walk goes on.
//
// # Counting
//
// Count is meant for progress bars and reads little: a directory is listed
// (pages counted by name, without sniffing), a zip's central directory and
// a plain tar's headers are read, a JSONL file's lines are counted, or for
// files over 8 MiB (compressed) extrapolated from their first 8 MiB and
// the file size. Blank and bad lines count. A .tar.gz or WARC cannot be
// counted without reading it whole: ok is false, and for a directory
// holding one, n counts the rest.
package source
