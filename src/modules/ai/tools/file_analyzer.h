// Analysis of files users upload to the assistant: CSV (delimiter sniffing, header
// detection, quoted fields, per-column types and statistics, OHLCV detection) and
// PDF (text per page through Debian's poppler, numbers found). The type is sniffed
// from the bytes (the PDF magic, or text that parses as delimited rows); the declared
// Content-Type and the filename are never trusted, only reported.
// Parsing is CPU-bound and may take a while for a large PDF: call it from the
// blocking pool.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>

namespace tc::ai::tools {

inline constexpr std::size_t kMaxAnalyzedFileBytes = 5u << 20;  // 5 MiB
inline constexpr std::size_t kMaxPdfPages = 50;                 // pages read
inline constexpr std::size_t kMaxPdfTextBytes = 64u << 10;      // extracted text kept, all pages
inline constexpr std::size_t kMaxCsvRows = 200000;              // rows read (more: "truncated")
inline constexpr std::size_t kCsvSampleRows = 5;

// CSV → {"kind":"csv","filename","declared_type","delimiter","has_header","row_count",
//        "truncated","columns":[{"name","type":"number"|"integer"|"date"|"text"|"empty",
//        "non_empty","min","max","mean"}…],"sample_rows":[[…]…],"ohlcv":{…}|null}
// PDF → {"kind":"pdf","filename","declared_type","page_count","pages_read",
//        "pages":[{"page","text"}…],"text_truncated","numbers":[…]}
// Throws tc::Error 413 "file-too-large" (> kMaxAnalyzedFileBytes), 415
// "unsupported-file" (neither PDF nor delimited text), 422 "malformed-file" (a
// broken or encrypted PDF, a CSV with inconsistent quoting or no rows).
boost::json::object analyze_file(const std::string& bytes, const std::string& declared_type,
                                 const std::string& filename);

}  // namespace tc::ai::tools
