#include "modules/ai/llm/sse_parser.h"

#include <gtest/gtest.h>

#include <vector>

namespace tc::ai::llm {
namespace {

std::vector<SseEvent> parse(std::string_view text, std::size_t piece = 0) {
  std::vector<SseEvent> out;
  SseParser parser([&](const SseEvent& e) { out.push_back(e); });
  if (piece == 0) {
    parser.feed(text);
  } else {
    for (std::size_t i = 0; i < text.size(); i += piece) parser.feed(text.substr(i, piece));
  }
  return out;
}

TEST(SseParser, DataLinesJoinAndBlankLineDispatches) {
  auto events = parse("data: one\ndata: two\n\ndata:three\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "one\ntwo");
  EXPECT_EQ(events[1].data, "three");
  EXPECT_EQ(events[0].event, "");
}

TEST(SseParser, EventNameIdAndCommentsAndOneSpaceStripped) {
  auto events = parse(": keep-alive\nevent: message_start\nid: 7\ndata:  two spaces\nretry: 10\nbogus: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, "message_start");
  EXPECT_EQ(events[0].id, "7");
  EXPECT_EQ(events[0].data, " two spaces");
}

TEST(SseParser, CrLfAndBareCrEndLinesEvenWhenSplitBetweenFeeds) {
  const std::string text = "event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n";
  for (std::size_t piece : {0u, 1u, 2u, 3u, 5u}) {
    auto events = parse(text, piece);
    ASSERT_EQ(events.size(), 3u) << "piece " << piece;
    EXPECT_EQ(events[0].event, "a");
    EXPECT_EQ(events[0].data, "1");
    EXPECT_EQ(events[1].event, "b");
    EXPECT_EQ(events[1].data, "2");
    EXPECT_EQ(events[2].event, "");  // the event name does not carry over
    EXPECT_EQ(events[2].data, "3");
  }
}

TEST(SseParser, EveryByteSplitGivesTheSameEventsAsOneFeed) {
  const std::string text =
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Hé\"}}\n\n"
      ": ping\n\ndata: [DONE]\n\n";
  auto whole = parse(text);
  auto bytes = parse(text, 1);
  ASSERT_EQ(whole.size(), 2u);
  ASSERT_EQ(bytes.size(), 2u);
  EXPECT_EQ(whole[0].data, bytes[0].data);
  EXPECT_EQ(bytes[1].data, "[DONE]");
}

TEST(SseParser, FieldWithoutColonAndEventWithoutDataAreHandledAsTheFormatSays) {
  auto events = parse("data\n\nevent: lonely\n\ndata: x\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "");   // "data" alone is an empty data line: dispatched
  EXPECT_EQ(events[1].event, "");  // an event with no data is dropped and its name forgotten
  EXPECT_EQ(events[1].data, "x");
}

TEST(SseParser, AnUnterminatedEventIsNotDispatchedAndFinishSaysSo) {
  std::vector<SseEvent> out;
  SseParser parser([&](const SseEvent& e) { out.push_back(e); });
  parser.feed("data: complete\n\ndata: cut");
  EXPECT_EQ(out.size(), 1u);
  EXPECT_FALSE(parser.finish());
  SseParser clean([](const SseEvent&) {});
  clean.feed("data: x\n\n");
  EXPECT_TRUE(clean.finish());
}

TEST(SseParser, OversizeEventsAreRefused) {
  SseParser parser([](const SseEvent&) {}, 64);
  EXPECT_THROW(parser.feed("data: " + std::string(100, 'x') + "\n"), std::runtime_error);
  SseParser lines([](const SseEvent&) {}, 64);
  EXPECT_THROW(lines.feed(std::string(100, 'x')), std::runtime_error);
}

}  // namespace
}  // namespace tc::ai::llm
