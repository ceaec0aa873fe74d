#include "modules/ai/tools/pdf_analysis.h"

#include "core/errors.h"
#include "modules/ai/tools/file_analyzer.h"
#include "modules/ai/tools/grounding.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>

namespace tc::ai::tools {
namespace {

constexpr std::size_t kMaxNumbers = 200;

[[noreturn]] void malformed(const std::string& detail) { throw Error(422, "malformed-file", "Malformed file", detail); }

// Poppler reports syntax errors of hostile files on stderr by default; they are the
// caller's 422, not log noise.
void quiet(const std::string&, void*) {}

std::string utf8_prefix(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

boost::json::object analyze_pdf(const std::string& bytes) {
  static std::once_flag silence;
  std::call_once(silence, [] { poppler::set_debug_error_function(&quiet, nullptr); });
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) malformed("file too large for the PDF reader");
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) malformed("the PDF cannot be read (damaged, or not a PDF after its header)");
  if (doc->is_locked()) malformed("the PDF is encrypted with a password");
  int page_count = doc->pages();
  if (page_count <= 0) malformed("the PDF has no pages");

  boost::json::object out;
  out["kind"] = "pdf";
  out["page_count"] = page_count;
  boost::json::array pages, numbers;
  std::size_t used = 0;
  bool truncated = false;
  int read = 0;
  for (int i = 0; i < page_count && static_cast<std::size_t>(i) < kMaxPdfPages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    ++read;
    if (!page) continue;
    auto utf8 = page->text().to_utf8();
    std::string text(utf8.begin(), utf8.end());
    if (used + text.size() > kMaxPdfTextBytes) {
      text = utf8_prefix(text, kMaxPdfTextBytes - used);
      truncated = true;
    }
    used += text.size();
    for (const auto& n : extract_numbers(text)) {
      if (n.structural || numbers.size() >= kMaxNumbers) continue;
      numbers.push_back(
          boost::json::object{{"page", i + 1}, {"text", text.substr(n.start, n.end - n.start)}, {"value", n.value}});
    }
    pages.push_back(boost::json::object{{"page", i + 1}, {"text", std::move(text)}});
    if (truncated) break;
  }
  out["pages_read"] = read;
  out["pages"] = std::move(pages);
  out["text_truncated"] = truncated || static_cast<std::size_t>(page_count) > kMaxPdfPages;
  out["numbers"] = std::move(numbers);
  return out;
}

}  // namespace tc::ai::tools
