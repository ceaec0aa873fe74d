#include "modules/ai/tools/file_analyzer.h"

#include "core/errors.h"
#include "modules/ai/tools/csv_analysis.h"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <string>
#include <vector>

using namespace tc::ai::tools;
namespace json = boost::json;

namespace {

// A minimal PDF 1.4 with one Helvetica text line per page and a correct xref table.
std::string make_pdf(const std::vector<std::string>& page_texts) {
  std::vector<std::string> objects;
  std::string kids;
  std::size_t n = page_texts.size();
  for (std::size_t i = 0; i < n; ++i) kids += std::to_string(4 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(n) + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (std::size_t i = 0; i < n; ++i) {
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
        "/Contents " +
        std::to_string(5 + 2 * i) + " 0 R >>");
    std::string stream = "BT /F1 12 Tf 72 712 Td (" + page_texts[i] + ") Tj ET";
    objects.push_back("<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream");
  }
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (auto off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

struct Failure {
  int status = 0;
  std::string type;
};
Failure failure(const std::string& bytes, const std::string& declared = "text/csv") {
  try {
    auto out = analyze_file(bytes, declared, "f");
    ADD_FAILURE() << "analysed: " << json::serialize(out);
  } catch (const tc::Error& e) {
    return {e.status(), e.type()};
  }
  return {};
}

const json::object& column(const json::object& out, std::size_t i) {
  return out.at("columns").as_array()[i].as_object();
}

}  // namespace

TEST(FileAnalyzer, CsvWithHeaderQuotesAndStatistics) {
  std::string csv =
      "symbol,price,qty,note,when\r\n"
      "AAPL,187.5,10,\"plain\",2024-05-01\r\n"
      "MSFT,410.25,3,\"has, comma and \"\"quotes\"\"\",2024-05-02\r\n"
      "TSLA,170,7,\"two\nlines\",2024-04-30\r\n";
  auto out = analyze_file(csv, "application/pdf", "trades.csv");  // the declared type is wrong and ignored
  EXPECT_EQ(out.at("kind"), "csv");
  EXPECT_EQ(out.at("declared_type"), "application/pdf");
  EXPECT_EQ(out.at("filename"), "trades.csv");
  EXPECT_EQ(out.at("delimiter"), ",");
  EXPECT_EQ(out.at("has_header"), true);
  EXPECT_EQ(out.at("row_count").as_uint64(), 3u);
  EXPECT_EQ(out.at("truncated"), false);
  EXPECT_EQ(column(out, 0).at("name"), "symbol");
  EXPECT_EQ(column(out, 0).at("type"), "text");
  EXPECT_EQ(column(out, 1).at("type"), "number");
  EXPECT_DOUBLE_EQ(column(out, 1).at("min").as_double(), 170);
  EXPECT_DOUBLE_EQ(column(out, 1).at("max").as_double(), 410.25);
  EXPECT_DOUBLE_EQ(column(out, 1).at("mean").as_double(), (187.5 + 410.25 + 170) / 3);
  EXPECT_EQ(column(out, 2).at("type"), "integer");
  EXPECT_EQ(column(out, 4).at("type"), "date");
  EXPECT_EQ(column(out, 4).at("min"), "2024-04-30");
  EXPECT_EQ(column(out, 4).at("max"), "2024-05-02");
  auto& rows = out.at("sample_rows").as_array();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].as_array()[3], "has, comma and \"quotes\"");
  EXPECT_EQ(rows[2].as_array()[3], "two\nlines");
  EXPECT_TRUE(out.at("ohlcv").is_null());
}

TEST(FileAnalyzer, SemicolonsWithDecimalCommasTabsAndNoHeader) {
  auto semi = analyze_file("a;b\n1,5;2\n2,5;4\n", "text/csv", "x.csv");
  EXPECT_EQ(semi.at("delimiter"), ";");
  EXPECT_DOUBLE_EQ(column(semi, 0).at("mean").as_double(), 2.0);
  auto tabs = analyze_file("1\t2\t3\n4\t5\t6\n", "", "");
  EXPECT_EQ(tabs.at("delimiter"), "\t");
  EXPECT_EQ(tabs.at("has_header"), false);
  EXPECT_EQ(tabs.at("row_count").as_uint64(), 2u);
  EXPECT_EQ(column(tabs, 2).at("name"), "column_3");
  auto pipes = analyze_file("name|city\nAda|London\nLin|Paris\n", "", "");
  EXPECT_EQ(pipes.at("delimiter"), "|");
  EXPECT_EQ(pipes.at("has_header"), true);  // all text, distinct names on the first row
}

TEST(FileAnalyzer, DetectsOhlcvCandles) {
  std::string csv =
      "Date,Open,High,Low,Close,Volume\n"
      "2024-01-02,100,105,99,104,1200\n"
      "2024-01-03,104,106,101,102,900\n"
      "2024-01-04,102,103,104,101,1500\n";  // low above high: inconsistent
  auto out = analyze_file(csv, "text/csv", "btc.csv");
  ASSERT_TRUE(out.at("ohlcv").is_object());
  auto& o = out.at("ohlcv").as_object();
  EXPECT_EQ(o.at("close"), "Close");
  EXPECT_EQ(o.at("time"), "Date");
  EXPECT_EQ(o.at("volume"), "Volume");
  EXPECT_EQ(o.at("inconsistent_rows").as_uint64(), 1u);
  EXPECT_DOUBLE_EQ(o.at("first_close").as_double(), 104);
  EXPECT_DOUBLE_EQ(o.at("last_close").as_double(), 101);
}

TEST(FileAnalyzer, PdfTextPerPageAndNumbers) {
  std::string pdf = make_pdf({"Revenue rose to 94.9 billion", "Margin 46.2% in Q3 2024"});
  auto out = analyze_file(pdf, "text/csv", "report.csv");  // sniffed from the bytes
  EXPECT_EQ(out.at("kind"), "pdf");
  EXPECT_EQ(out.at("page_count").as_int64(), 2);
  EXPECT_EQ(out.at("pages_read").as_int64(), 2);
  auto& pages = out.at("pages").as_array();
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_NE(std::string(pages[0].at("text").as_string()).find("Revenue rose to 94.9 billion"), std::string::npos);
  EXPECT_NE(std::string(pages[1].at("text").as_string()).find("Margin 46.2%"), std::string::npos);
  std::vector<double> values;
  for (const auto& n : out.at("numbers").as_array()) values.push_back(n.at("value").as_double());
  auto has = [&](double want) {
    return std::any_of(values.begin(), values.end(), [&](double v) { return std::fabs(v - want) < 1e-6 * want; });
  };
  EXPECT_TRUE(has(94.9e9));
  EXPECT_TRUE(has(46.2));
  EXPECT_EQ(out.at("text_truncated"), false);
}

TEST(FileAnalyzer, MalformedAndUnsupportedInputs) {
  EXPECT_EQ(failure("").status, 422);
  auto big = failure(std::string(kMaxAnalyzedFileBytes + 1, 'a'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.type, "file-too-large");
  EXPECT_EQ(failure("\x89PNG\r\n\x1a\n....", "text/csv").status, 415);
  EXPECT_EQ(failure(std::string("PK\x03\x04zip", 7), "text/csv").type, "unsupported-file");
  EXPECT_EQ(failure(std::string("a,b\n1,\0\n", 8)).status, 415);
  EXPECT_EQ(failure("Just a paragraph of prose.\nAnother line of it.\n").status, 415);
  EXPECT_EQ(failure("a,b\n\xC3\x28,1\n").status, 415);  // invalid UTF-8
  auto quote = failure("a,b\n1,\"never closed\n2,3\n");
  EXPECT_EQ(quote.status, 422);
  EXPECT_EQ(quote.type, "malformed-file");
  EXPECT_EQ(failure("%PDF-1.4\nthis is not a PDF body\n%%EOF\n", "application/pdf").status, 422);
  std::string cut = make_pdf({"hello"});
  EXPECT_EQ(failure(cut.substr(0, cut.size() / 3), "application/pdf").status, 422);
}

TEST(FileAnalyzer, RowLimitTruncates) {
  std::string csv = "n,v\n";
  for (std::size_t i = 0; i < kMaxCsvRows + 10; ++i) csv += std::to_string(i) + ",1\n";
  auto out = analyze_file(csv, "text/csv", "many.csv");
  EXPECT_EQ(out.at("row_count").as_uint64(), kMaxCsvRows);
  EXPECT_EQ(out.at("truncated"), true);
  EXPECT_DOUBLE_EQ(column(out, 0).at("max").as_double(), static_cast<double>(kMaxCsvRows - 1));
}
