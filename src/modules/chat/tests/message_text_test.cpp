// Message text rules: what counts as a mention or a cashtag, what is refused, and
// that the rendered HTML keeps nothing executable from the source.
#include "modules/chat/message_text.h"

#include "core/errors.h"

#include <gtest/gtest.h>

namespace tc::chat {
namespace {

using V = std::vector<std::string>;

TEST(Mentions, AreUsernamesAfterAtNotInsideWords) {
  EXPECT_EQ(extract_mentions("hi @Alice and @bob_2, mail me at carol@example.com"), (V{"alice", "bob_2"}));
  EXPECT_EQ(extract_mentions("@dave. @dave @DAVE"), (V{"dave"}));
  EXPECT_EQ(extract_mentions("@ab too short, @ alone"), V{});
  EXPECT_EQ(extract_mentions("(@erin) @frank-"), (V{"erin", "frank"}));
}

TEST(Mentions, AreCapped) {
  std::string text;
  for (int i = 0; i < 80; ++i) text += "@user" + std::to_string(i) + " ";
  EXPECT_EQ(extract_mentions(text).size(), kMaxMentions);
}

TEST(Cashtags, AreUpperCasedSymbolsWithOptionalClass) {
  EXPECT_EQ(extract_cashtags("long $aapl, short $TSLA; $brk.b too; $AAPL again"), (V{"AAPL", "TSLA", "BRK.B"}));
  EXPECT_EQ(extract_cashtags("costs $5 or US$10, $ alone, $ABCDEFGHIJK too long"), V{});
  EXPECT_EQ(extract_cashtags("$SPY."), (V{"SPY"}));
  EXPECT_EQ(extract_cashtags("x$SPY"), V{});
}

TEST(MessageText, RefusesEmptyOversizeControlAndBrokenUtf8) {
  EXPECT_NO_THROW(validate_message_text("hello\nworld\t!"));
  EXPECT_THROW(validate_message_text(""), Error);
  EXPECT_THROW(validate_message_text(" \n "), Error);
  EXPECT_THROW(validate_message_text("bell\x07"), Error);
  EXPECT_THROW(validate_message_text("\xC3\x28"), Error);
  EXPECT_THROW(validate_message_text("\xC0\xAF"), Error);  // overlong '/'
  EXPECT_NO_THROW(validate_message_text(std::string(kMaxMessageChars, 'x')));
  EXPECT_THROW(validate_message_text(std::string(kMaxMessageChars + 1, 'x')), Error);
  // The limit counts characters, not bytes: 4000 three-byte characters pass.
  std::string wide;
  for (std::size_t i = 0; i < kMaxMessageChars; ++i) wide += "\xE2\x82\xAC";  // €
  EXPECT_EQ(utf8_length(wide), kMaxMessageChars);
  EXPECT_NO_THROW(validate_message_text(wide));
}

TEST(RenderHtml, EscapesEverythingThenFormatsTheSubset) {
  EXPECT_EQ(render_html("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(render_html("**bold** and *it*"), "<strong>bold</strong> and <em>it</em>");
  EXPECT_EQ(render_html("a\nb"), "a<br>b");
  EXPECT_EQ(render_html("`<b>$AAPL</b>` $aapl"),
            "<code>&lt;b&gt;$AAPL&lt;/b&gt;</code> <a class=\"cashtag\" href=\"/markets/AAPL\">$AAPL</a>");
  EXPECT_EQ(render_html("\"quoted\" & 'single'"), "&quot;quoted&quot; &amp; &#39;single&#39;");
  // Unclosed markers stay text.
  EXPECT_EQ(render_html("2 * 3 = 6, **open"), "2 * 3 = 6, **open");
  // A link in markdown syntax is not a link.
  EXPECT_EQ(render_html("[x](javascript:alert(1))"), "[x](javascript:alert(1))");
}

}  // namespace
}  // namespace tc::chat
