// Owner-persisted streams in the hub: offsets reach subscribers in order even when
// they arrive out of order (from other instances), duplicates are dropped, a gap
// that does not fill is skipped after a bound, and the server can end a user's
// subscription.
#include "modules/realtime/hub.h"

#include "modules/realtime/fanout.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace tc::realtime {
namespace {

namespace json = boost::json;

class Recorder final : public Subscriber {
 public:
  explicit Recorder(std::string user) : user_(std::move(user)) {}
  void deliver(const std::string& frame, bool) override { frames.push_back(frame); }
  void deliver_latest(const std::string& frame, const std::string&) override { frames.push_back(frame); }
  const std::string& client_id() const override { return user_; }
  const std::string& user_id() const override { return user_; }
  std::vector<std::uint64_t> offsets() const {
    std::vector<std::uint64_t> out;
    for (const auto& f : frames) {
      auto push = json::parse(f).at("push").as_object();
      if (const auto* pub = push.if_contains("pub"); pub && pub->as_object().contains("offset")) {
        out.push_back(pub->at("offset").to_number<std::uint64_t>());
      }
    }
    return out;
  }
  std::vector<std::string> frames;

 private:
  std::string user_;
};

const SubscribeGrant kGrant{.presence = true, .stream = StreamPosition{"e1", 5}};

std::shared_ptr<Recorder> join(Hub& hub, const std::string& user = "u", std::uint64_t seed = 5) {
  auto r = std::make_shared<Recorder>(user);
  EXPECT_TRUE(hub.subscribe_stream("room:1", r, kGrant, seed, [](const Hub::Position&) { return true; }));
  return r;
}

TEST(HubStream, DeliversInOffsetOrderAndDropsDuplicates) {
  Hub hub(HubOptions{});
  auto r = join(hub);
  hub.publish_at("room:1", 7, json::object{{"n", 7}}, std::nullopt);  // waits for 6
  EXPECT_TRUE(r->offsets().empty());
  hub.publish_at("room:1", 6, json::object{{"n", 6}}, std::nullopt);
  hub.publish_at("room:1", 6, json::object{{"n", 6}}, std::nullopt);  // a duplicate
  hub.publish_at("room:1", 5, json::object{{"n", 5}}, std::nullopt);  // older than the seed
  hub.publish_at("room:1", 8, json::object{{"n", 8}}, std::nullopt);
  EXPECT_EQ(r->offsets(), (std::vector<std::uint64_t>{6, 7, 8}));
  EXPECT_EQ(hub.position("room:1")->offset, 8u);
  EXPECT_EQ(hub.position("room:1")->epoch, "e1");
}

TEST(HubStream, AGapThatDoesNotFillIsSkippedAfterTheBound) {
  Hub hub(HubOptions{.max_pending = 2, .max_gap_wait = std::chrono::hours(1)});
  auto r = join(hub);
  for (std::uint64_t o : {8, 9, 10}) hub.publish_at("room:1", o, json::object{}, std::nullopt);
  EXPECT_EQ(r->offsets(), (std::vector<std::uint64_t>{8, 9, 10}));
  // 6 and 7 come late: they are below the top now and dropped.
  hub.publish_at("room:1", 6, json::object{}, std::nullopt);
  EXPECT_EQ(r->offsets().size(), 3u);
}

TEST(HubStream, AFirstSubscriberStartsPastWhatWasAlreadyFannedOut) {
  Hub hub(HubOptions{});
  // Fanned out while nobody here followed the room: only the position is kept.
  hub.publish_at("room:1", 9, json::object{}, std::nullopt);
  // The subscriber's store read was older (5): it starts at 9, not waiting for 6..8.
  auto r = join(hub);
  EXPECT_EQ(hub.position("room:1")->offset, 9u);
  hub.publish_at("room:1", 10, json::object{}, std::nullopt);
  EXPECT_EQ(r->offsets(), (std::vector<std::uint64_t>{10}));
  // After the last subscriber leaves, the position stays for the next one.
  hub.unsubscribe("room:1", *r);
  hub.publish_at("room:1", 11, json::object{}, std::nullopt);
  auto again = join(hub, "v", 10);
  EXPECT_EQ(hub.position("room:1")->offset, 11u);
  hub.publish_at("room:1", 12, json::object{}, std::nullopt);
  EXPECT_EQ(again->offsets(), (std::vector<std::uint64_t>{12}));
}

TEST(HubStream, AReplyThatRefusesLeavesTheSubscriberOut) {
  Hub hub(HubOptions{});
  auto r = std::make_shared<Recorder>("u");
  EXPECT_FALSE(hub.subscribe_stream("room:1", r, kGrant, 5, [](const Hub::Position&) { return false; }));
  EXPECT_FALSE(hub.is_subscribed("room:1", *r));
}

TEST(HubStream, UnsubscribeUserEndsOnlyThatUsersSubscriptions) {
  Hub hub(HubOptions{});
  auto kept = join(hub, "alice");
  auto gone = join(hub, "bob");
  hub.unsubscribe_user("room:1", "bob", 2000, "removed");
  EXPECT_FALSE(hub.is_subscribed("room:1", *gone));
  EXPECT_TRUE(hub.is_subscribed("room:1", *kept));
  auto push = json::parse(gone->frames.back()).at("push").as_object();
  EXPECT_EQ(push.at("unsubscribe").at("code").as_int64(), 2000);
  hub.publish_at("room:1", 6, json::object{}, std::nullopt);
  EXPECT_EQ(kept->offsets(), (std::vector<std::uint64_t>{6}));
  EXPECT_TRUE(gone->offsets().empty());
}

TEST(Fanout, AUserChannelPublicationFromAnotherInstanceGetsThisHubsOffset) {
  metrics::Registry metrics;
  auto bus = infra::bus::open_memory(metrics);
  Hub hub(HubOptions{});
  Fanout fanout(hub, *bus);
  auto r = std::make_shared<Recorder>("u");
  hub.subscribe("user#u", r, SubscribeGrant{.history = true}, std::nullopt, [](const auto&, const auto*) {});
  fanout.on_message(R"({"origin":"elsewhere","channel":"user#u","hub":true,"data":{"type":"mention"}})");
  fanout.on_message(R"({"origin":"elsewhere","channel":"user#u","hub":true,"data":{"type":"notification"}})");
  EXPECT_EQ(r->offsets(), (std::vector<std::uint64_t>{1, 2}));
  fanout.on_message(R"({"origin":"elsewhere","channel":"user#u","hub":"yes","data":{}})");  // malformed: ignored
  EXPECT_EQ(r->frames.size(), 2u);
}

}  // namespace
}  // namespace tc::realtime
