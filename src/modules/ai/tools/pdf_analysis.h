// The PDF half of the file analyzer, through poppler's C++ API (Debian's
// libpoppler-cpp): text per page, at most kMaxPdfPages pages and kMaxPdfTextBytes
// of text, and the numbers found in it.
#pragma once

#include <boost/json/object.hpp>

#include <string>

namespace tc::ai::tools {

// Throws tc::Error 422 "malformed-file" for a PDF poppler cannot open or one that
// is encrypted with a user password.
boost::json::object analyze_pdf(const std::string& bytes);

}  // namespace tc::ai::tools
