#include "modules/ai/tools/html_text.h"

#include <gtest/gtest.h>

using namespace tc::ai::tools;

TEST(HtmlText, DropsNonContentAndKeepsTheTitle) {
  auto h = html_to_text(
      "<html><head><TITLE>  Q3 \n results </TITLE><script type=\"x\">alert('</p>')</script>"
      "<STYLE>p{}</STYLE></head><body><noscript>enable js</noscript><div data-x=\"a>b\">Hello <b>bold</b> "
      "world</div><template><p>hidden</p></template><svg><text>chart</text></svg><p>Line&nbsp;two</p></body>");
  EXPECT_EQ(h.title, "Q3 results");
  EXPECT_EQ(h.text, "Hello bold world\nLine two");
}

TEST(HtmlText, EntitiesAreDecoded) {
  EXPECT_EQ(decode_entities("&amp;&lt;&gt;&quot;&#39;&#x20AC;&euro;&hellip;"), "&<>\"'€€…");
  EXPECT_EQ(decode_entities("&unknown; & &#xZZ; &#;"), "&unknown; & &#xZZ; &#;");
  EXPECT_EQ(decode_entities("&#0;&#xD800;&#x110000;"), "\uFFFD\uFFFD\uFFFD");
}

TEST(HtmlText, MalformedMarkupNeverLosesTheRest) {
  EXPECT_EQ(html_to_text("a < b and c<d").text, "a < b and c<d");
  EXPECT_EQ(html_to_text("<p>unterminated <b").text, "unterminated <b");
  EXPECT_EQ(html_to_text("<script>never closed").text, "");
  EXPECT_EQ(html_to_text("x<!-- never closed").text, "x");
  EXPECT_EQ(html_to_text("<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>").text, "1 2\n3");
}

TEST(HtmlText, Latin1IsConverted) { EXPECT_EQ(latin1_to_utf8("caf\xE9 \x80"), "café €"); }
