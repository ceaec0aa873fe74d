// The analyzer's front door: size limit, type sniffing from the bytes, then the CSV
// or PDF reader. The declared type and filename are only echoed back.
#include "modules/ai/tools/file_analyzer.h"

#include "core/errors.h"
#include "modules/ai/tools/csv_analysis.h"
#include "modules/ai/tools/pdf_analysis.h"

#include <array>
#include <string_view>

namespace tc::ai::tools {
namespace {

[[noreturn]] void unsupported(const std::string& detail) {
  throw Error(415, "unsupported-file", "Unsupported file type", detail);
}

// Well-known binary formats, named in the 415 so the user knows what was seen.
std::string_view binary_kind(std::string_view b) {
  struct Magic {
    std::string_view bytes;
    std::string_view name;
  };
  static constexpr std::array<Magic, 10> magics{{
      {"\x89PNG", "PNG image"},
      {"\xFF\xD8\xFF", "JPEG image"},
      {"GIF8", "GIF image"},
      {"PK\x03\x04", "ZIP archive (or an Office document)"},
      {"\x1F\x8B", "gzip archive"},
      {"\x7F"
       "ELF",
       "executable"},
      {"MZ", "executable"},
      {"\xD0\xCF\x11\xE0", "legacy Office document"},
      {"BZh", "bzip2 archive"},
      {"7z\xBC\xAF", "7-Zip archive"},
  }};
  for (const auto& m : magics)
    if (b.substr(0, m.bytes.size()) == m.bytes) return m.name;
  return {};
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

}  // namespace

boost::json::object analyze_file(const std::string& bytes, const std::string& declared_type,
                                 const std::string& filename) {
  if (bytes.size() > kMaxAnalyzedFileBytes)
    throw Error(413, "file-too-large", "File too large",
                "files are analysed up to " + std::to_string(kMaxAnalyzedFileBytes) + " bytes");
  if (bytes.empty()) throw Error(422, "malformed-file", "Malformed file", "the file is empty");
  std::string_view head(bytes.data(), std::min<std::size_t>(bytes.size(), 1024));
  boost::json::object out;
  // PDF readers accept the header anywhere in the first KiB; so do we.
  if (head.find("%PDF-") != std::string_view::npos) {
    out = analyze_pdf(bytes);
  } else {
    if (auto kind = binary_kind(head); !kind.empty()) unsupported("the file is a " + std::string(kind));
    std::string_view text(bytes);
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
    if (text.find('\0') != std::string_view::npos || !valid_utf8(text))
      unsupported("the file is binary or not UTF-8 text; CSV and PDF files are analysed");
    auto delimiter = sniff_delimiter(text);
    if (!delimiter) unsupported("the text is not delimited data (no consistent , ; tab or | columns)");
    out = analyze_csv(text, *delimiter);
  }
  out["filename"] = filename.substr(0, 255);
  out["declared_type"] = declared_type.substr(0, 255);
  return out;
}

}  // namespace tc::ai::tools
