// Chat's rules against a real SQLite store (the full test ModuleContext): who may
// see and write what, idempotent sends, and per-room offsets that are strictly
// increasing and fanned out in order.
#include "modules/chat/chat_service.h"

#include "app/tests/test_context.h"
#include "core/errors.h"
#include "modules/chat/chat_module.h"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <future>
#include <mutex>
#include <numeric>
#include <set>

namespace tc::chat {
namespace {

namespace json = boost::json;

// Records what chat hands the realtime module.
class RecordingRealtime final : public realtime::Realtime {
 public:
  void register_namespace(std::string, std::shared_ptr<realtime::ChannelOwner>) override {}
  void register_rpc(std::string, realtime::RpcMethod) override {}
  std::uint64_t publish(const std::string& channel, const json::value&, realtime::PublishOptions) override {
    std::lock_guard lock(mutex);
    personal.push_back(channel);
    return 0;
  }
  void publish_at(const std::string& channel, std::uint64_t offset, const json::value&, const json::object&) override {
    std::lock_guard lock(mutex);
    offsets[channel].push_back(offset);
  }
  void broadcast(const std::string& channel, const json::value& data, bool) override {
    std::lock_guard lock(mutex);
    events[channel].push_back(std::string(data.as_object().at("type").as_string()));
  }
  void unsubscribe_user(const std::string& channel, const std::string& user) override {
    std::lock_guard lock(mutex);
    removed.push_back(channel + " " + user);
  }
  std::mutex mutex;
  std::map<std::string, std::vector<std::uint64_t>> offsets;
  std::map<std::string, std::vector<std::string>> events;
  std::vector<std::string> personal;
  std::vector<std::string> removed;
};

const auth::Principal kAlice{"a11ce", "s1", "user"};
const auth::Principal kBob{"b0b", "s2", "user"};
const auth::Principal kMod{"m0d", "s3", "moderator"};

class ChatServiceTest : public ::testing::Test {
 protected:
  ChatServiceTest() {
    infra::store::migrate(*t.store, migrations());
    service = std::make_unique<ChatService>(*t.store, &realtime, nullptr);
  }

  template <class T>
  T run(boost::asio::awaitable<T> work) {
    auto f = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
    io.run();
    io.restart();
    return f.get();
  }
  void run(boost::asio::awaitable<void> work) {
    auto f = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
    io.run();
    io.restart();
    f.get();
  }
  int status_of(boost::asio::awaitable<json::object> work) {
    try {
      run(std::move(work));
    } catch (const Error& e) {
      return e.status();
    }
    return 200;
  }
  std::string room(const auth::Principal& owner, const char* visibility = "public") {
    return std::string(run(service->create_room(owner, "r", visibility, "")).at("id").as_string());
  }
  json::object say(const auth::Principal& who, const std::string& room_id, std::string text,
                   std::optional<std::string> cid = std::nullopt) {
    return run(service->send(who, room_id, NewMessage{std::move(text), std::move(cid), std::nullopt}));
  }

  app::testing::TestContext t;
  boost::asio::io_context io;
  RecordingRealtime realtime;
  std::unique_ptr<ChatService> service;
};

TEST_F(ChatServiceTest, OffsetsAreStrictlyIncreasingAndFannedOutInOrder) {
  auto r = room(kAlice);
  // Sends in flight together (as many as the test pool queues), through the store's pool.
  std::set<std::int64_t> seqs;
  for (int round = 0; round < 10; ++round) {
    std::vector<std::future<json::object>> pending;
    pending.reserve(4);
    for (int i = 0; i < 4; ++i) {
      pending.push_back(boost::asio::co_spawn(
          io, service->send(kAlice, r, NewMessage{"m" + std::to_string(i), std::nullopt, std::nullopt}),
          boost::asio::use_future));
    }
    io.run();
    io.restart();
    for (auto& f : pending) seqs.insert(f.get().at("seq").as_int64());
  }
  EXPECT_EQ(seqs.size(), 40u);
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), 40);
  std::vector<std::uint64_t> expected(40);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(realtime.offsets[ChatService::channel_of(r)], expected);
}

TEST_F(ChatServiceTest, ARetryWithTheSameClientMessageIdReturnsTheFirstMessage) {
  auto r = room(kAlice);
  auto first = say(kAlice, r, "hello", "c-1");
  auto again = say(kAlice, r, "hello (edited by a confused client)", "c-1");
  EXPECT_EQ(first.at("id"), again.at("id"));
  EXPECT_EQ(again.at("text").as_string(), "hello");
  // Another author may use the same client id.
  run(service->join(kBob, r));
  auto bobs = say(kBob, r, "mine", "c-1");
  EXPECT_NE(bobs.at("id"), first.at("id"));
  EXPECT_EQ(realtime.offsets[ChatService::channel_of(r)], (std::vector<std::uint64_t>{1, 2}));
}

TEST_F(ChatServiceTest, PrivateRoomsAreNotFoundForStrangersAndPublicOnesNeedJoining) {
  auto secret = room(kAlice, "private");
  EXPECT_EQ(status_of(service->get_room(kBob, secret)), 404);
  EXPECT_EQ(status_of(service->history(kBob, secret, {})), 404);
  EXPECT_EQ(status_of(service->join(kBob, secret)), 404);
  EXPECT_EQ(status_of(service->send(kBob, secret, {"hi", std::nullopt, std::nullopt})), 404);
  EXPECT_EQ(status_of(service->get_room(kBob, "not-an-id")), 404);
  auto open = room(kAlice);
  EXPECT_EQ(status_of(service->history(kBob, open, {})), 403);
  EXPECT_EQ(status_of(service->send(kBob, open, {"hi", std::nullopt, std::nullopt})), 403);
  run(service->join(kBob, open));
  EXPECT_EQ(status_of(service->send(kBob, open, {"hi", std::nullopt, std::nullopt})), 200);
  // A site moderator sees the private room (to moderate it) and may delete in it.
  EXPECT_EQ(status_of(service->get_room(kMod, secret)), 200);
  auto m = say(kAlice, secret, "rule-breaking");
  run(service->remove(kMod, secret, std::string(m.at("id").as_string())));
  auto gone = run(service->get_message(kAlice, secret, std::string(m.at("id").as_string())));
  EXPECT_TRUE(gone.at("deleted").as_bool());
  EXPECT_EQ(gone.at("text").as_string(), "");
}

TEST_F(ChatServiceTest, RoomRolesDecideModeration) {
  auto r = room(kAlice);
  const auth::Principal carol{"ca401", "s4", "user"};
  run(service->join(kBob, r));
  run(service->join(carol, r));
  // A member cannot kick; a moderator kicks members but not the owner.
  EXPECT_THROW(run(service->kick(kBob, r, carol.user_id)), Error);
  run(service->set_role(kAlice, r, kBob.user_id, RoomRole::moderator));
  EXPECT_THROW(run(service->kick(kBob, r, kAlice.user_id)), Error);
  run(service->kick(kBob, r, carol.user_id));
  EXPECT_EQ(realtime.removed, (std::vector<std::string>{ChatService::channel_of(r) + " " + carol.user_id}));
  EXPECT_FALSE(run(service->is_member(carol.user_id, r)));
  // Banned: cannot join again until unbanned.
  run(service->ban(kBob, r, carol.user_id, true));
  EXPECT_EQ(status_of(service->join(carol, r)), 403);
  run(service->ban(kBob, r, carol.user_id, false));
  EXPECT_EQ(status_of(service->join(carol, r)), 200);
  // Muted: cannot write.
  run(service->mute(kBob, r, carol.user_id, 600));
  EXPECT_EQ(status_of(service->send(carol, r, {"hi", std::nullopt, std::nullopt})), 403);
}

TEST_F(ChatServiceTest, UnreadCountsFollowReadReceipts) {
  auto r = room(kAlice);
  run(service->join(kBob, r));
  say(kAlice, r, "one");
  auto two = say(kAlice, r, "two");
  say(kBob, r, "mine do not count");
  auto mine = run(service->list_rooms(kBob, {}));
  ASSERT_EQ(mine.at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.at("items").as_array()[0].at("unread").as_int64(), 0);  // writing marks what came before read
  say(kAlice, r, "three");
  mine = run(service->list_rooms(kBob, {}));
  EXPECT_EQ(mine.at("items").as_array()[0].at("unread").as_int64(), 1);
  auto read = run(service->mark_read(kBob, r, static_cast<std::uint64_t>(two.at("seq").as_int64())));
  EXPECT_EQ(read.at("last_read_seq").as_uint64(), 3u);  // never moves back
}

TEST_F(ChatServiceTest, StreamReadsAreTheStoredMessagesAtTheirOffsets) {
  auto r = room(kAlice);
  for (int i = 1; i <= 5; ++i) say(kAlice, r, "m" + std::to_string(i));
  auto after2 = run(service->read_stream(r, {2, 10, false}));
  ASSERT_EQ(after2.size(), 3u);
  EXPECT_EQ(after2.front().offset, 3u);
  EXPECT_EQ(after2.back().offset, 5u);
  EXPECT_NE(after2.front().data.find("\"text\":\"m3\""), std::string::npos);
  auto newest = run(service->read_stream(r, {std::nullopt, 2, true}));
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].offset, 5u);
  EXPECT_EQ(newest[1].offset, 4u);
  auto pos = run(service->subscribe_position(kAlice, r));
  EXPECT_EQ(pos.offset, 5u);
  EXPECT_THROW(run(service->subscribe_position(kBob, r)), Error);
}

}  // namespace
}  // namespace tc::chat
