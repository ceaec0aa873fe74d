// The protocol state machine of one connection, driven frame by frame, with real
// Ed25519 tokens and the real hub; the connection records what would be sent.
#include "modules/realtime/client_session.h"
#include "core/errors.h"
#include "modules/realtime/jwt_token_verifier.h"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tc::realtime {
namespace {

namespace json = boost::json;

class RecordingConnection final : public http::WsConnection {
 public:
  void send(std::string message, bool) override { frames.push_back(std::move(message)); }
  void send_latest(std::string message, std::string key) override {
    latest_keys.push_back(key);
    frames.push_back(std::move(message));
  }
  void close(std::uint16_t code, std::string) override { close_code = code; }
  const std::string& id() const override { return id_; }
  const std::string& remote_addr() const override { return id_; }
  std::vector<std::string> frames;
  std::vector<std::string> latest_keys;
  std::uint16_t close_code = 0;

 private:
  std::string id_ = "test";
};

// A namespace owner like chat's: members may subscribe; publications get an id.
class RoomOwner final : public ChannelOwner {
 public:
  boost::asio::awaitable<SubscribeGrant> authorize_subscribe(Principal who, std::string channel) override {
    if (who.user_id == "mallory") throw errors::forbidden("not a member of " + channel);
    co_return SubscribeGrant{.history = true, .presence = true, .join_leave = true};
  }
  boost::asio::awaitable<json::value> accept_publication(Principal who, std::string, json::value data) override {
    if (!data.is_object() || !data.as_object().contains("text")) throw errors::validation("text is required");
    co_return json::object{{"id", ++stored}, {"text", data.as_object().at("text")}, {"author", who.user_id}};
  }
  int stored = 0;
};

// An owner that persists its stream (like chat rooms). Its first read plays a
// publication that commits and fans out after the read but before the subscribe.
class StreamOwner final : public ChannelOwner {
 public:
  explicit StreamOwner(Hub& hub) : hub_(hub) {}
  boost::asio::awaitable<SubscribeGrant> authorize_subscribe(Principal, std::string) override {
    co_return SubscribeGrant{.history = true, .presence = true, .stream = StreamPosition{"e", top()}};
  }
  boost::asio::awaitable<json::value> accept_publication(Principal, std::string channel, json::value data) override {
    append(channel, data);
    co_return data;
  }
  bool publishes_itself() const override { return true; }
  boost::asio::awaitable<std::vector<StoredPublication>> read_stream(std::string channel, StreamQuery q) override {
    std::vector<StoredPublication> out;
    if (q.reverse) {
      for (auto it = stored.rbegin(); it != stored.rend() && out.size() < q.limit; ++it) {
        if (!q.since || it->offset < *q.since) out.push_back(*it);
      }
    } else {
      for (const auto& p : stored) {
        if (p.offset > q.since.value_or(0) && out.size() < q.limit) out.push_back(p);
      }
    }
    if (race_next_read) {
      race_next_read = false;
      append(channel, json::object{{"n", "raced"}});
    }
    co_return out;
  }
  void append(const std::string& channel, const json::value& data) {
    stored.push_back({top() + 1, json::serialize(data), "", 0});
    hub_.publish_at(channel, top(), data, std::nullopt);
  }
  std::uint64_t top() const { return stored.empty() ? 0 : stored.back().offset; }
  std::vector<StoredPublication> stored;
  bool race_next_read = false;

 private:
  Hub& hub_;
};

const auth::JwtSettings kJwt{"tradechat", "tradechat", std::chrono::seconds(0)};

class SessionTest : public ::testing::Test {
 protected:
  SessionTest()
      : key_(auth::SigningKey::generate(0)),
        verifier_([this] { return std::vector<auth::SigningKey>{key_}; }, kJwt),
        hub_(HubOptions{.history_size = 100, .max_recover = 1000}),
        core_{hub_, verifier_, SessionLimits{}, "test", {}, {}, {}} {
    core_.owners["room"] = owner_;
    core_.owners["stream"] = stream_owner_;
  }

  std::string token(const std::string& user, std::int64_t ttl = 600) {
    auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return auth::sign_access_token({user, "s-" + user, "user", "j", now - 10, now - 10, now + ttl}, key_, kJwt);
  }

  struct Client {
    std::shared_ptr<ClientSession> session;
    std::shared_ptr<RecordingConnection> conn;
  };
  Client client() {
    Client c{std::make_shared<ClientSession>(core_), std::make_shared<RecordingConnection>()};
    c.session->attach(c.conn);
    return c;
  }
  void send(Client& c, const std::string& frame) {
    boost::asio::co_spawn(io_, c.session->on_frame(frame), [](const std::exception_ptr& e) {
      if (e) std::rethrow_exception(e);
    });
    io_.run();
    io_.restart();
  }
  static json::object last(const Client& c) { return json::parse(c.conn->frames.back()).as_object(); }
  Client connected(const std::string& user) {
    auto c = client();
    send(c, R"({"id":1,"connect":{"token":")" + token(user) + R"("}})");
    return c;
  }

  boost::asio::io_context io_;
  auth::SigningKey key_;
  JwtTokenVerifier verifier_;
  Hub hub_;
  RealtimeCore core_;
  std::shared_ptr<RoomOwner> owner_ = std::make_shared<RoomOwner>();
  std::shared_ptr<StreamOwner> stream_owner_ = std::make_shared<StreamOwner>(hub_);
};

TEST_F(SessionTest, ConnectWithTheAccessTokenSubscribesThePersonalChannel) {
  auto c = connected("alice");
  auto r = last(c);
  EXPECT_EQ(r.at("id").as_int64(), 1);
  const auto& connect = r.at("connect").as_object();
  EXPECT_EQ(connect.at("client").as_string().size(), 32u);
  EXPECT_TRUE(connect.at("expires").as_bool());
  EXPECT_TRUE(connect.at("subs").as_object().contains("user#alice"));
  EXPECT_TRUE(connect.at("subs").as_object().at("user#alice").as_object().at("recoverable").as_bool());
}

TEST_F(SessionTest, BadTokensAndCommandsBeforeConnectAreRefused) {
  auto forged = client();
  send(forged, R"({"id":1,"connect":{"token":"eyJhbGciOiJub25lIn0.e30."}})");
  EXPECT_EQ(forged.conn->close_code, codes::close_invalid_token);
  auto expired = client();
  send(expired, R"({"id":1,"connect":{"token":")" + token("bob", -60) + R"("}})");
  EXPECT_EQ(last(expired).at("error").as_object().at("code").as_int64(), codes::token_expired);
  EXPECT_EQ(expired.conn->close_code, 0) << "an expired token may be refreshed and retried";
  auto early = client();
  send(early, R"({"id":1,"subscribe":{"channel":"room:1"}})");
  EXPECT_EQ(early.conn->close_code, codes::close_bad_request);
  auto garbage = client();
  send(garbage, "{not json");
  EXPECT_EQ(garbage.conn->close_code, codes::close_bad_request);
}

TEST_F(SessionTest, OwnersDecideSubscriptions) {
  auto c = connected("alice");
  send(c, R"({"id":2,"subscribe":{"channel":"nowhere:1"}})");
  EXPECT_EQ(last(c).at("error").as_object().at("code").as_int64(), codes::unknown_channel);
  send(c, R"({"id":3,"subscribe":{"channel":"user#bob"}})");
  EXPECT_EQ(last(c).at("error").as_object().at("code").as_int64(), codes::permission_denied);
  send(c, R"({"id":4,"subscribe":{"channel":"room:1"}})");
  EXPECT_TRUE(last(c).at("subscribe").as_object().at("recoverable").as_bool());
  send(c, R"({"id":5,"subscribe":{"channel":"room:1"}})");
  EXPECT_EQ(last(c).at("error").as_object().at("code").as_int64(), codes::already_subscribed);
  auto m = connected("mallory");
  send(m, R"({"id":2,"subscribe":{"channel":"room:1"}})");
  EXPECT_EQ(last(m).at("error").as_object().at("code").as_int64(), codes::permission_denied);
  send(c, R"({"id":6,"subscribe":{"channel":"bad channel!"}})");
  EXPECT_EQ(last(c).at("error").as_object().at("code").as_int64(), codes::bad_request);
}

TEST_F(SessionTest, PublicationsAreAcceptedByTheOwnerThenFannedOutInOrder) {
  auto a = connected("alice");
  auto b = connected("bob");
  send(a, R"({"id":2,"subscribe":{"channel":"room:1"}})");
  send(b, R"({"id":2,"subscribe":{"channel":"room:1"}})");
  send(a, R"({"id":3,"publish":{"channel":"room:1","data":{"no_text":1}}})");
  EXPECT_EQ(last(a).at("error").as_object().at("code").as_int64(), codes::bad_request);
  send(a, R"({"id":4,"publish":{"channel":"room:1","data":{"text":"hi"}}}
{"id":5,"publish":{"channel":"room:1","data":{"text":"again"}}})");
  auto push = json::parse(b.conn->frames[b.conn->frames.size() - 2]).as_object().at("push").as_object();
  EXPECT_EQ(push.at("channel").as_string(), "room:1");
  EXPECT_EQ(push.at("pub").as_object().at("offset").as_int64(), 1);
  EXPECT_EQ(push.at("pub").as_object().at("data").as_object().at("author").as_string(), "alice");
  auto second = last(b).at("push").as_object().at("pub").as_object();
  EXPECT_EQ(second.at("offset").as_int64(), 2);
  EXPECT_EQ(second.at("data").as_object().at("text").as_string(), "again");
  EXPECT_EQ(last(a).at("id").as_int64(), 5) << "acknowledged after the fan-out";
  send(a, R"({"id":6,"publish":{"channel":"user#alice","data":{"text":"x"}}})");
  EXPECT_EQ(last(a).at("error").as_object().at("code").as_int64(), codes::permission_denied);
}

TEST_F(SessionTest, RecoveryReturnsMissedPublicationsOrSaysItCannot) {
  auto a = connected("alice");
  send(a, R"({"id":2,"subscribe":{"channel":"room:7"}})");
  auto sub = last(a).at("subscribe").as_object();
  std::string epoch(sub.at("epoch").as_string());
  for (int i = 0; i < 3; ++i) {
    send(a, R"({"id":)" + std::to_string(10 + i) + R"(,"publish":{"channel":"room:7","data":{"text":"m"}}})");
  }
  auto b = connected("bob");
  send(b, R"({"id":2,"subscribe":{"channel":"room:7","recover":true,"offset":1,"epoch":")" + epoch + R"("}})");
  auto rec = last(b).at("subscribe").as_object();
  EXPECT_TRUE(rec.at("recovered").as_bool());
  ASSERT_EQ(rec.at("publications").as_array().size(), 2u);
  EXPECT_EQ(rec.at("publications").as_array()[0].as_object().at("offset").as_int64(), 2);
  auto c = connected("carol");
  send(c, R"({"id":2,"subscribe":{"channel":"room:7","recover":true,"offset":1,"epoch":"stale"}})");
  EXPECT_FALSE(last(c).at("subscribe").as_object().at("recovered").as_bool());
}

TEST_F(SessionTest, PresenceHistoryAndRpc) {
  auto a = connected("alice");
  auto b = connected("bob");
  send(a, R"({"id":2,"subscribe":{"channel":"room:2"}})");
  send(b, R"({"id":2,"subscribe":{"channel":"room:2"}})");
  EXPECT_TRUE(last(a).contains("push")) << "alice sees bob join";
  send(a, R"({"id":3,"presence_stats":{"channel":"room:2"}})");
  EXPECT_EQ(last(a).at("presence_stats").as_object().at("num_users").as_int64(), 2);
  send(a, R"({"id":4,"presence":{"channel":"room:2"}})");
  EXPECT_EQ(last(a).at("presence").as_object().at("presence").as_object().size(), 2u);
  for (int i = 0; i < 5; ++i) {
    send(a, R"({"id":)" + std::to_string(10 + i) + R"(,"publish":{"channel":"room:2","data":{"text":"m"}}})");
  }
  send(a, R"({"id":20,"history":{"channel":"room:2","limit":2,"reverse":true}})");
  auto h = last(a).at("history").as_object();
  EXPECT_EQ(h.at("offset").as_int64(), 5);
  EXPECT_EQ(h.at("publications").as_array()[0].as_object().at("offset").as_int64(), 5);
  auto m = connected("mallory");
  send(m, R"({"id":2,"history":{"channel":"room:2","limit":10}})");
  EXPECT_EQ(last(m).at("error").as_object().at("code").as_int64(), codes::permission_denied);
  send(a, R"({"id":21,"rpc":{"method":"nope","data":{}}})");
  EXPECT_EQ(last(a).at("error").as_object().at("code").as_int64(), codes::method_not_found);
  core_.rpc["echo"] = [](Principal who, json::value data) -> boost::asio::awaitable<json::value> {
    co_return json::object{{"user", who.user_id}, {"data", data}};
  };
  send(a, R"({"id":22,"rpc":{"method":"echo","data":{"x":1}}})");
  EXPECT_EQ(last(a).at("rpc").as_object().at("data").as_object().at("user").as_string(), "alice");
}

TEST_F(SessionTest, CommandRateIsLimited) {
  core_.limits.command_burst = 5;
  core_.limits.commands_per_second = 0.001;
  auto a = connected("alice");
  std::string burst;
  for (int i = 0; i < 8; ++i)
    burst += R"({"id":)" + std::to_string(10 + i) +
             R"(,"presence_stats":{"channel":"user#alice"}})"
             "\n";
  send(a, burst);
  EXPECT_EQ(last(a).at("error").as_object().at("code").as_int64(), codes::too_many_requests);
}

TEST_F(SessionTest, StreamRecoveryReadsTheStoreAndCatchesUpWithWhatTheHubFannedOutMeanwhile) {
  for (int i = 1; i <= 5; ++i) stream_owner_->append("stream:1", json::object{{"n", i}});
  auto c = connected("alice");
  // Recovering from offset 2: the store read returns 3..5, and offset 6 is committed and
  // fanned out before the subscribe reaches the hub (the session must read it too).
  stream_owner_->race_next_read = true;
  send(c, R"({"id":2,"subscribe":{"channel":"stream:1","recover":true,"offset":2,"epoch":"e"}})");
  auto sub = last(c).at("subscribe").as_object();
  EXPECT_TRUE(sub.at("recovered").as_bool());
  EXPECT_EQ(sub.at("offset").as_int64(), 6);
  std::vector<std::int64_t> offsets;
  for (const auto& p : sub.at("publications").as_array()) offsets.push_back(p.at("offset").as_int64());
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{3, 4, 5, 6}));
  // Live publications follow the reply, once each.
  send(c, R"({"id":3,"publish":{"channel":"stream:1","data":{"n":7}}})");
  auto frames = c.conn->frames;
  int live = 0;
  for (const auto& f : frames) {
    if (f.find("\"push\"") != std::string::npos && f.find("\"offset\":7") != std::string::npos) ++live;
  }
  EXPECT_EQ(live, 1);
  // A wrong epoch cannot recover.
  auto d = connected("bob");
  send(d, R"({"id":2,"subscribe":{"channel":"stream:1","recover":true,"offset":2,"epoch":"other"}})");
  EXPECT_FALSE(last(d).at("subscribe").as_object().at("recovered").as_bool());
  // History reads the store.
  send(d, R"({"id":3,"history":{"channel":"stream:1","limit":2,"reverse":true}})");
  auto hist = last(d).at("history").as_object().at("publications").as_array();
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0].at("offset").as_int64(), 7);
}

TEST_F(SessionTest, SubscriptionsPerConnectionAreLimited) {
  core_.limits.max_subscriptions = 3;  // the personal channel counts as one
  auto c = connected("alice");
  send(c, R"({"id":2,"subscribe":{"channel":"room:1"}})");
  send(c, R"({"id":3,"subscribe":{"channel":"room:2"}})");
  EXPECT_TRUE(last(c).contains("subscribe"));
  send(c, R"({"id":4,"subscribe":{"channel":"room:3"}})");
  EXPECT_EQ(last(c).at("error").as_object().at("code").as_int64(), codes::limit_exceeded);
  EXPECT_FALSE(hub_.is_subscribed("room:3", *c.session));
  // Unsubscribing frees a place.
  send(c, R"({"id":5,"unsubscribe":{"channel":"room:1"}})");
  send(c, R"({"id":6,"subscribe":{"channel":"room:3"}})");
  EXPECT_TRUE(last(c).contains("subscribe"));
  EXPECT_TRUE(hub_.is_subscribed("room:3", *c.session));
}

TEST_F(SessionTest, RefreshTakesANewTokenOfTheSameUserOnly) {
  auto c = connected("alice");
  send(c, R"({"id":2,"refresh":{"token":")" + token("alice", 900) + R"("}})");
  auto r = last(c).at("refresh").as_object();
  EXPECT_TRUE(r.at("expires").as_bool());
  EXPECT_GT(r.at("ttl").as_int64(), 600);
  send(c, R"({"id":3,"refresh":{"token":")" + token("alice", -60) + R"("}})");
  EXPECT_EQ(last(c).at("error").as_object().at("code").as_int64(), codes::token_expired);
  EXPECT_EQ(c.conn->close_code, 0);
  send(c, R"({"id":4,"refresh":{"token":")" + token("bob") + R"("}})");
  EXPECT_EQ(c.conn->close_code, codes::close_invalid_token) << "another user's token ends the connection";
}

TEST_F(SessionTest, ServerPingsMustBeAnsweredBeforeTheNext) {
  auto c = connected("alice");
  auto connect = last(c).at("connect").as_object();
  EXPECT_EQ(connect.at("ping").as_int64(), 25);
  EXPECT_TRUE(connect.at("pong").as_bool());
  EXPECT_TRUE(c.session->ping());
  EXPECT_EQ(c.conn->frames.back(), "{}");
  send(c, "{}");  // the SDK's pong
  EXPECT_TRUE(c.session->ping());
  EXPECT_EQ(c.conn->close_code, 0);
  EXPECT_FALSE(c.session->ping()) << "the previous ping went unanswered";
  EXPECT_EQ(c.conn->close_code, codes::close_no_pong);
  // Not connected yet: the connect deadline reaps it, pings do not.
  auto early = client();
  EXPECT_TRUE(early.session->ping());
  EXPECT_TRUE(early.conn->frames.empty());
  // Gone: the keep-alive forgets it.
  c.session->on_close();
  EXPECT_FALSE(c.session->ping());
}

TEST_F(SessionTest, JoinAndLeavePushesAndHistorySince) {
  auto a = connected("alice");
  auto b = connected("bob");
  send(a, R"({"id":2,"subscribe":{"channel":"room:4"}})");
  std::string epoch(last(a).at("subscribe").as_object().at("epoch").as_string());
  send(b, R"({"id":2,"subscribe":{"channel":"room:4"}})");
  auto join = last(a).at("push").as_object();
  EXPECT_EQ(join.at("channel").as_string(), "room:4");
  EXPECT_EQ(join.at("join").as_object().at("info").as_object().at("user").as_string(), "bob");
  send(b, R"({"id":3,"unsubscribe":{"channel":"room:4"}})");
  auto leave = last(a).at("push").as_object();
  EXPECT_EQ(leave.at("leave").as_object().at("info").as_object().at("user").as_string(), "bob");
  for (int i = 0; i < 4; ++i) {
    send(a, R"({"id":)" + std::to_string(10 + i) + R"(,"publish":{"channel":"room:4","data":{"text":"m"}}})");
  }
  send(a, R"({"id":20,"history":{"channel":"room:4","limit":10,"since":{"offset":2,"epoch":")" + epoch + R"("}}})");
  const auto history = last(a).at("history").as_object();
  std::vector<std::int64_t> offsets;
  for (const auto& p : history.at("publications").as_array()) offsets.push_back(p.at("offset").as_int64());
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{3, 4}));
  send(a, R"({"id":21,"history":{"channel":"room:4","limit":10,"since":{"offset":2,"epoch":"old"}}})");
  EXPECT_EQ(last(a).at("error").as_object().at("code").as_int64(), 112);
}

TEST_F(SessionTest, ConflatablePublicationsGoToTheOutboxKeyedByChannel) {
  // Like market's channels: no history, nobody publishes but the server.
  struct TickOwner final : ChannelOwner {
    boost::asio::awaitable<SubscribeGrant> authorize_subscribe(Principal, std::string) override {
      co_return SubscribeGrant{};
    }
    boost::asio::awaitable<json::value> accept_publication(Principal, std::string, json::value) override {
      throw errors::forbidden("server only");
    }
  };
  core_.owners["market"] = std::make_shared<TickOwner>();
  auto a = connected("alice");
  send(a, R"({"id":2,"subscribe":{"channel":"market:BTC"}})");
  hub_.publish("market:BTC", json::object{{"price", 1}}, std::nullopt, true);
  hub_.publish("market:BTC", json::object{{"price", 2}}, std::nullopt, false);
  EXPECT_EQ(a.conn->latest_keys, (std::vector<std::string>{"market:BTC"})) << "only the conflatable one is keyed";
  EXPECT_EQ(last(a).at("push").as_object().at("pub").as_object().at("data").as_object().at("price").as_int64(), 2);
}

}  // namespace
}  // namespace tc::realtime
