#include "modules/realtime/realtime_module.h"

#include "build_info.h"
#include "core/errors.h"
#include "modules/auth/auth.h"
#include "modules/gateway/gateway.h"
#include "modules/realtime/client_session.h"
#include "modules/realtime/connect_deadline.h"
#include "modules/realtime/fanout.h"
#include "modules/realtime/keep_alive.h"

#include <boost/json/serialize.hpp>

namespace tc::realtime {
namespace {

// Connection tokens are the auth module's access tokens.
class AccessTokenVerifier final : public TokenVerifier {
 public:
  explicit AccessTokenVerifier(const auth::Authenticator& auth) : auth_(auth) {}
  Result verify(std::string_view token) const override {
    Result r;
    auto who = auth_.verify(token, &r.expired, &r.expires_at_s);
    if (who) r.principal = Principal{who->user_id, who->session_id, who->role};
    return r;
  }

 private:
  const auth::Authenticator& auth_;
};

// The per-connection handler the server drives; the session itself is shared with
// the hub, which holds it while it is subscribed.
class SessionHandler final : public http::WsHandler {
 public:
  SessionHandler(RealtimeCore& core, ConnectDeadline& deadline, KeepAlive& keep_alive)
      : session_(std::make_shared<ClientSession>(core)), deadline_(deadline), keep_alive_(keep_alive) {}
  void on_open(std::shared_ptr<http::WsConnection> connection) override {
    deadline_.watch(connection, session_->connected_flag());
    session_->attach(std::move(connection));
    keep_alive_.watch(session_);
  }
  boost::asio::awaitable<void> on_message(std::string message) override {
    co_await session_->on_frame(std::move(message));
  }
  void on_close(std::uint16_t) override { session_->on_close(); }

 private:
  std::shared_ptr<ClientSession> session_;
  ConnectDeadline& deadline_;
  KeepAlive& keep_alive_;
};

class RealtimeModule final : public app::Module, public modules::gateway::RealtimeEndpoint, public Realtime {
 public:
  void start(app::ModuleContext& ctx) override {
    auto* auth = ctx.services.find<auth::Authenticator>();
    if (!auth) throw std::logic_error("realtime needs the auth module");
    verifier_ = std::make_unique<AccessTokenVerifier>(*auth);
    hub_ = std::make_unique<Hub>(HubOptions{
        .history_size = static_cast<std::size_t>(ctx.config.integer("realtime.history_size")), .max_recover = 1000});
    fanout_ = std::make_unique<Fanout>(*hub_, ctx.bus);
    deadline_ = std::make_unique<ConnectDeadline>(
        std::chrono::duration_cast<std::chrono::milliseconds>(ctx.config.duration("realtime.connect_timeout")));
    const auto ping_interval =
        std::chrono::duration_cast<std::chrono::seconds>(ctx.config.duration("realtime.ping_interval"));
    keep_alive_ = std::make_unique<KeepAlive>(ping_interval);
    core_ = std::make_unique<RealtimeCore>(
        *hub_, *verifier_,
        SessionLimits{.max_subscriptions = static_cast<std::size_t>(ctx.config.integer("realtime.max_subscriptions")),
                      .commands_per_second = static_cast<double>(ctx.config.integer("realtime.commands_per_second")),
                      .command_burst = static_cast<double>(ctx.config.integer("realtime.commands_per_second")) * 2,
                      .max_history_limit = 1000,
                      .ping_interval = ping_interval},
        std::string("tradechat ") + build::version);
    if (auto* sessions = ctx.services.find<auth::SessionEvents>()) {
      RealtimeCore* core = core_.get();
      sessions->on_sessions_revoked([core](const std::string&, const std::vector<std::string>& session_ids) {
        core->close_sessions(session_ids);
      });
    }
    ctx.services.provide<modules::gateway::RealtimeEndpoint>(this);
    ctx.services.provide<Realtime>(this);
  }

  std::unique_ptr<http::WsHandler> accept(const http::Request&) override {
    return std::make_unique<SessionHandler>(*core_, *deadline_, *keep_alive_);
  }
  void register_namespace(std::string name, std::shared_ptr<ChannelOwner> owner) override {
    std::lock_guard lock(core_->mutex);
    core_->owners[std::move(name)] = std::move(owner);
  }
  void register_rpc(std::string method, RpcMethod fn) override {
    std::lock_guard lock(core_->mutex);
    core_->rpc[std::move(method)] = std::move(fn);
  }
  std::uint64_t publish(const std::string& channel, const boost::json::value& data, PublishOptions options) override {
    // A user's channel carries events that happen once (a mention, a notification),
    // wherever that user is connected; market feeds run on every instance.
    if (channel_namespace(channel) == "user#" && fanout_) return fanout_->publish_everywhere(channel, data);
    return hub_->publish(channel, data, std::nullopt, options.conflatable);
  }
  void publish_at(const std::string& channel, std::uint64_t offset, const boost::json::value& data,
                  const boost::json::object& info) override {
    if (offset == 0) throw std::logic_error("publish_at needs an offset from 1");
    if (fanout_) fanout_->publish(channel, offset, data, info, false);
  }
  void broadcast(const std::string& channel, const boost::json::value& data, bool droppable) override {
    if (fanout_) fanout_->publish(channel, 0, data, std::nullopt, droppable);
  }
  void unsubscribe_user(const std::string& channel, const std::string& user_id) override {
    if (fanout_) fanout_->unsubscribe_user(channel, user_id);
  }
  void stop() noexcept override {
    fanout_.reset();
    if (deadline_) deadline_->stop();
    if (keep_alive_) keep_alive_->stop();
  }

 private:
  std::unique_ptr<AccessTokenVerifier> verifier_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<Fanout> fanout_;  // after hub_: stopped (unsubscribed) before the hub goes
  std::unique_ptr<RealtimeCore> core_;
  std::unique_ptr<ConnectDeadline> deadline_;  // handlers hold a reference: lives as long as the module
  std::unique_ptr<KeepAlive> keep_alive_;      // the same
};

}  // namespace

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "realtime.history_size",
              .kind = K::integer,
              .default_value = "100",
              .help = "publications kept per channel with history (for recovery)",
              .min = 1,
              .max = 100000});
  schema.add({.key = "realtime.max_subscriptions",
              .kind = K::integer,
              .default_value = "128",
              .help = "channels one connection may subscribe to",
              .min = 1,
              .max = 100000});
  schema.add({.key = "realtime.connect_timeout",
              .kind = K::duration,
              .default_value = "10s",
              .help = "a connection that has not sent its connect command by then is closed (3501)",
              .min = 100,
              .max = 600'000});
  schema.add({.key = "realtime.ping_interval",
              .kind = K::duration,
              .default_value = "25s",
              .help = "a connected client gets a protocol ping ({}) this often and must answer before the next, "
                      "else it is closed (3012)",
              .min = 1000,
              .max = 600'000});
  schema.add({.key = "realtime.commands_per_second",
              .kind = K::integer,
              .default_value = "50",
              .help = "commands a connection may send per second (bursts of twice that)",
              .min = 1,
              .max = 100000});
}

app::ModuleSpec spec() {
  return {.name = "realtime",
          .description = "Centrifugo client protocol on /connection/websocket, channels, history, presence",
          .dependencies = {"gateway", "auth"},
          .create = [] { return std::make_unique<RealtimeModule>(); }};
}

}  // namespace tc::realtime
