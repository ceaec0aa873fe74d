#include "modules/realtime/client_session.h"

#include "modules/realtime/stream_watch.h"

#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace tc::realtime {
namespace {

namespace json = boost::json;

const json::object* object_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

std::string string_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::uint64_t uint_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  return 0;
}

bool bool_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_bool() && v->as_bool();
}

// Maps a module's refusal to the protocol's numbering.
int code_for(const Error& e) {
  switch (e.status()) {
    case 400:
    case 422: return codes::bad_request;
    case 401: return codes::unauthorized;
    case 403: return codes::permission_denied;
    case 404: return codes::unknown_channel;
    case 429: return codes::too_many_requests;
    case 503: return codes::not_available;
    default: return codes::internal;
  }
}

}  // namespace

bool valid_channel(std::string_view c) {
  if (c.empty() || c.size() > 255) return false;
  return std::all_of(c.begin(), c.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == ':' || ch == '#' || ch == '.' ||
           ch == '@' || ch == '=' || ch == '-';
  });
}

std::string channel_namespace(std::string_view c) {
  auto colon = c.find(':');
  auto hash = c.find('#');
  if (hash != std::string_view::npos && (colon == std::string_view::npos || hash < colon)) {
    return std::string(c.substr(0, hash)) + "#";
  }
  return colon == std::string_view::npos ? std::string() : std::string(c.substr(0, colon));
}

std::shared_ptr<ChannelOwner> RealtimeCore::owner_of(const std::string& ns) {
  std::lock_guard lock(mutex);
  auto it = owners.find(ns);
  return it == owners.end() ? nullptr : it->second;
}

std::optional<RpcMethod> RealtimeCore::rpc_method(const std::string& name) {
  std::lock_guard lock(mutex);
  auto it = rpc.find(name);
  if (it == rpc.end()) return std::nullopt;
  return it->second;
}

ClientSession::ClientSession(RealtimeCore& core)
    : core_(core),
      client_id_(ids::random_hex(16)),
      tokens_(core.limits.command_burst),
      last_refill_(std::chrono::steady_clock::now()) {}

void ClientSession::attach(std::shared_ptr<http::WsConnection> connection) { connection_ = std::move(connection); }

void ClientSession::deliver(const std::string& frame, bool droppable) {
  std::lock_guard lock(hold_mutex_);
  if (held_)
    held_->push_back({frame, droppable, {}});
  else if (connection_)
    connection_->send(frame, droppable);
}

void ClientSession::deliver_latest(const std::string& frame, const std::string& key) {
  std::lock_guard lock(hold_mutex_);
  if (held_)
    held_->push_back({frame, false, key});
  else if (connection_)
    connection_->send_latest(frame, key);
}

bool ClientSession::ping() {
  std::lock_guard lock(hold_mutex_);
  if (!connection_) return false;
  if (!connected_flag_->load()) return true;  // the connect deadline reaps it
  if (pong_due_.exchange(true)) {
    connection_->close(codes::close_no_pong, "no pong");
    return false;
  }
  // Not held back by a subscribe in progress: a ping carries no order.
  connection_->send("{}", false);
  return true;
}

void ClientSession::reply(std::uint64_t id, const char* kind, json::object result) {
  json::object r{{"id", id}};
  r[kind] = std::move(result);
  deliver(json::serialize(r), false);
}

void ClientSession::reply_error(std::uint64_t id, int code, std::string message) {
  deliver(json::serialize(json::object{{"id", id}, {"error", {{"code", code}, {"message", message}}}}), false);
}

bool ClientSession::take_token() {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  tokens_ = std::min(core_.limits.command_burst, tokens_ + elapsed * core_.limits.commands_per_second);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

std::optional<std::vector<json::object>> ClientSession::parse_frame(std::string_view frame) {
  std::vector<json::object> out;
  json::parse_options opts;
  opts.max_depth = 32;
  std::size_t start = 0;
  while (start <= frame.size()) {
    auto nl = frame.find('\n', start);
    if (nl == std::string_view::npos) nl = frame.size();
    auto line = frame.substr(start, nl - start);
    start = nl + 1;
    if (line.empty() || line == "\r") continue;
    boost::system::error_code ec;
    auto v = json::parse(line, ec, {}, opts);
    if (ec || !v.is_object()) return std::nullopt;
    out.push_back(std::move(v.as_object()));
  }
  return out;
}

boost::asio::awaitable<void> ClientSession::on_frame(std::string frame) {
  pong_due_.store(false);  // the client is alive
  auto commands = parse_frame(frame);
  if (!commands) {
    connection_->close(codes::close_bad_request, "bad request");
    co_return;
  }
  for (auto& cmd : *commands) co_await handle(std::move(cmd));
}

boost::asio::awaitable<void> ClientSession::handle(json::object cmd) {
  if (cmd.empty()) co_return;  // a pong
  const std::uint64_t id = uint_member(cmd, "id");
  if (!connected_) {
    const auto* connect = object_member(cmd, "connect");
    if (!connect || id == 0) {
      connection_->close(codes::close_bad_request, "connect first");
      co_return;
    }
    on_connect(id, *connect);
    co_return;
  }
  if (id == 0) {
    // Only `send` (fire-and-forget) comes without an id.
    const auto* send = object_member(cmd, "send");
    if (!send) {
      connection_->close(codes::close_bad_request, "command without id");
      co_return;
    }
    if (take_token()) co_await on_send(*send);
    co_return;
  }
  if (!take_token()) {
    reply_error(id, codes::too_many_requests, "too many requests");
    co_return;
  }
  if (const auto* r = object_member(cmd, "subscribe"))
    co_await on_subscribe(id, *r);
  else if (const auto* r = object_member(cmd, "unsubscribe"))
    on_unsubscribe(id, *r);
  else if (const auto* r = object_member(cmd, "publish"))
    co_await on_publish(id, *r);
  else if (const auto* r = object_member(cmd, "presence"))
    on_presence(id, *r, false);
  else if (const auto* r = object_member(cmd, "presence_stats"))
    on_presence(id, *r, true);
  else if (const auto* r = object_member(cmd, "history"))
    co_await on_history(id, *r);
  else if (const auto* r = object_member(cmd, "rpc"))
    co_await on_rpc(id, *r);
  else if (const auto* r = object_member(cmd, "refresh"))
    on_refresh(id, *r);
  else if (object_member(cmd, "connect"))
    reply_error(id, codes::bad_request, "already connected");
  else
    reply_error(id, codes::method_not_found, "unknown command");
}

void ClientSession::on_connect(std::uint64_t id, const json::object& req) {
  auto result = core_.verifier.verify(string_member(req, "token"));
  if (result.expired) {
    reply_error(id, codes::token_expired, "token expired");
    return;
  }
  if (!result.principal) {
    connection_->close(codes::close_invalid_token, "invalid token");
    return;
  }
  principal_ = *result.principal;
  connected_ = true;
  core_.track(principal_.session_id, connection_);
  // The personal channel is a server-side subscription: the client does not ask.
  const std::string personal = "user#" + principal_.user_id;
  json::object sub_req;
  if (const auto* subs = object_member(req, "subs")) {
    if (const auto* mine = object_member(*subs, personal)) sub_req = *mine;
  }
  // The SDK answers each server ping with `{}` (pong: true) and reconnects when
  // pings stop coming (it waits `ping` seconds plus its own grace).
  json::object connect{
      {"client", client_id_}, {"version", core_.version}, {"ping", core_.limits.ping_interval.count()}, {"pong", true}};
  if (result.expires_at_s > 0) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    connect["expires"] = true;
    connect["ttl"] = std::max<std::int64_t>(1, result.expires_at_s - now.count());
  }
  auto send_connect = [&](json::object sub) {
    connect["subs"] = json::object{{personal, std::move(sub)}};
    reply(id, "connect", std::move(connect));
  };
  subscribe_to(personal, {.history = true}, sub_req, send_connect);
  // After the reply is queued: the keep-alive pings connected sessions only, and a
  // ping must not reach the client before its connect reply.
  connected_flag_->store(true);
}

void ClientSession::subscribe_to(const std::string& channel, const SubscribeGrant& grant, const json::object& req,
                                 const std::function<void(json::object)>& send_reply) {
  std::optional<Hub::RecoverRequest> recover;
  if (grant.history && bool_member(req, "recover")) {
    recover = Hub::RecoverRequest{uint_member(req, "offset"), string_member(req, "epoch")};
  }
  subscriptions_.insert(channel);
  auto build = [&](const Hub::Position& pos, const ChannelHistory::Recovery* rec) {
    json::object res;
    if (grant.history) {
      res["recoverable"] = true;
      res["positioned"] = true;
      res["epoch"] = pos.epoch;
      res["offset"] = pos.offset;
    }
    if (rec) {
      res["was_recovering"] = true;
      res["recovered"] = rec->recovered;
      json::array pubs;
      for (const auto& p : rec->publications) pubs.push_back(Hub::publication_json(p));
      if (!pubs.empty()) res["publications"] = std::move(pubs);
    }
    send_reply(std::move(res));
  };
  core_.hub.subscribe(channel, shared_from_this(), grant, recover, build);
}

boost::asio::awaitable<void> ClientSession::on_subscribe(std::uint64_t id, json::object req) {
  const std::string channel = string_member(req, "channel");
  if (!valid_channel(channel)) {
    reply_error(id, codes::bad_request, "invalid channel name");
    co_return;
  }
  if (subscriptions_.count(channel) && !subscribed(channel)) {
    // Ended by the server (e.g. removed from a room): forget it and subscribe anew.
    subscriptions_.erase(channel);
    end_stream(channel);
  }
  if (subscriptions_.count(channel)) {
    reply_error(id, codes::already_subscribed, "already subscribed");
    co_return;
  }
  if (subscriptions_.size() >= core_.limits.max_subscriptions) {
    reply_error(id, codes::limit_exceeded, "too many subscriptions on this connection");
    co_return;
  }
  SubscribeGrant grant;
  auto ns = channel_namespace(channel);
  if (ns == "user#") {
    if (channel != "user#" + principal_.user_id) {
      reply_error(id, codes::permission_denied, "personal channels belong to their user");
      co_return;
    }
    grant.history = true;
  } else {
    auto owner = core_.owner_of(ns);
    if (!owner) {
      reply_error(id, codes::unknown_channel, "unknown channel namespace");
      co_return;
    }
    std::optional<Error> refused;
    try {
      grant = co_await owner->authorize_subscribe(principal_, channel);
    } catch (const Error& e) {
      refused = e;
    }
    if (refused) {
      reply_error(id, code_for(*refused), refused->detail().empty() ? refused->title() : refused->detail());
      co_return;
    }
    // The connection may have closed or subscribed meanwhile.
    if (!connection_ || subscriptions_.count(channel)) co_return;
    if (grant.stream) {
      co_await subscribe_stream(id, channel, grant, owner, std::move(req));
      co_return;
    }
  }
  auto send_subscribed = [&](json::object res) { reply(id, "subscribe", std::move(res)); };
  subscribe_to(channel, grant, req, send_subscribed);
}

boost::asio::awaitable<void> ClientSession::subscribe_stream(std::uint64_t id, std::string channel,
                                                             SubscribeGrant grant, std::shared_ptr<ChannelOwner> owner,
                                                             json::object req) {
  const auto& stream = *grant.stream;
  const std::uint64_t since = uint_member(req, "offset");
  const bool recovering = bool_member(req, "recover");
  const bool can_recover = recovering && string_member(req, "epoch") == stream.epoch;
  const std::size_t max = core_.limits.max_recover;
  std::vector<StoredPublication> pubs;
  if (can_recover) pubs = co_await owner->read_stream(channel, {since, max + 1, false});
  if (!connection_ || subscriptions_.count(channel)) co_return;
  std::uint64_t seed = stream.offset;
  if (!pubs.empty()) seed = std::max(seed, pubs.back().offset);
  // The store read and the hub's position are taken apart: the hub may already have
  // fanned out offsets past the read. Then the subscriber joins at the hub's position,
  // the gap is read from the store (every offset the hub saw was committed first), and
  // the reply with the whole recovery goes out before what was held back — no
  // overlap, no gap.
  Hub::Position pos;
  bool behind = false;
  auto decide = [&](const Hub::Position& p) {
    pos = p;
    const std::uint64_t read_to = pubs.empty() ? since : pubs.back().offset;
    behind = can_recover && pubs.size() <= max && read_to < p.offset && since < p.offset;
    // Deliveries wait until the reply is out, always: a publication the hub fans out
    // between this point and the reply would otherwise reach the client before it
    // knows it is subscribed, and the client drops it.
    hold();
    subscriptions_.insert(channel);
    streams_[channel] = owner;
    if (auto* watcher = dynamic_cast<StreamWatcher*>(owner.get())) watcher->on_stream_subscribed(principal_, channel);
    return true;
  };
  core_.hub.subscribe_stream(channel, shared_from_this(), grant, seed, decide);
  if (behind) {
    const std::uint64_t read_to = pubs.empty() ? since : pubs.back().offset;
    std::vector<StoredPublication> rest;
    std::optional<Error> failed;
    try {
      rest = co_await owner->read_stream(channel, {read_to, static_cast<std::size_t>(pos.offset - read_to), false});
    } catch (const Error& e) {
      failed = e;
    }
    if (!failed) pubs.insert(pubs.end(), rest.begin(), rest.end());
  }
  json::object res{{"recoverable", true}, {"positioned", true}, {"epoch", pos.epoch}, {"offset", pos.offset}};
  if (recovering) {
    json::array out;
    std::uint64_t expected = since;
    bool recovered = can_recover && pubs.size() <= max;
    for (const auto& p : pubs) {
      if (p.offset > pos.offset) break;
      if (p.offset <= expected) continue;
      out.push_back(Hub::publication_json(p));
      expected = p.offset;
    }
    // Complete only when it reaches the position (offsets have no gaps in the store).
    if (recovered && since < pos.offset && expected != pos.offset) recovered = false;
    res["was_recovering"] = true;
    res["recovered"] = recovered;
    if (recovered && !out.empty()) res["publications"] = std::move(out);
  }
  json::object r{{"id", id}};
  r["subscribe"] = std::move(res);
  release(json::serialize(r));
}

void ClientSession::hold() {
  std::lock_guard lock(hold_mutex_);
  if (!held_) held_.emplace();
}

void ClientSession::release(const std::string& first) {
  std::lock_guard lock(hold_mutex_);
  if (connection_) connection_->send(first, false);
  if (held_) {
    for (auto& h : *held_) {
      if (!connection_) break;
      if (h.latest_key.empty())
        connection_->send(std::move(h.frame), h.droppable);
      else
        connection_->send_latest(std::move(h.frame), std::move(h.latest_key));
    }
    held_.reset();
  }
}

void ClientSession::end_stream(const std::string& channel) {
  auto it = streams_.find(channel);
  if (it == streams_.end()) return;
  if (auto* watcher = dynamic_cast<StreamWatcher*>(it->second.get()))
    watcher->on_stream_unsubscribed(principal_, channel);
  streams_.erase(it);
}

void ClientSession::on_unsubscribe(std::uint64_t id, const json::object& req) {
  const std::string channel = string_member(req, "channel");
  end_stream(channel);
  if (subscriptions_.erase(channel)) core_.hub.unsubscribe(channel, *this);
  reply(id, "unsubscribe", {});
}

boost::asio::awaitable<void> ClientSession::on_publish(std::uint64_t id, json::object req) {
  const std::string channel = string_member(req, "channel");
  const auto* data = req.if_contains("data");
  if (!valid_channel(channel) || !data) {
    reply_error(id, codes::bad_request, "publish needs a channel and data");
    co_return;
  }
  auto owner = core_.owner_of(channel_namespace(channel));
  if (!owner) {
    reply_error(id, channel_namespace(channel) == "user#" ? codes::permission_denied : codes::unknown_channel,
                "nobody accepts publications in this channel");
    co_return;
  }
  std::optional<Error> refused;
  json::value accepted;
  try {
    accepted = co_await owner->accept_publication(principal_, channel, *data);
  } catch (const Error& e) {
    refused = e;
  }
  if (refused) {
    reply_error(id, code_for(*refused), refused->detail().empty() ? refused->title() : refused->detail());
    co_return;
  }
  // Persisted by the owner before this point; now fanned out (by the owner itself when
  // it assigns offsets) and acknowledged.
  if (!owner->publishes_itself())
    core_.hub.publish(channel, accepted, json::object{{"user", principal_.user_id}, {"client", client_id_}});
  reply(id, "publish", {});
}

bool ClientSession::subscribed(const std::string& channel) {
  return subscriptions_.count(channel) > 0 && core_.hub.is_subscribed(channel, *this);
}

void ClientSession::on_presence(std::uint64_t id, const json::object& req, bool stats) {
  const std::string channel = string_member(req, "channel");
  if (!subscribed(channel)) {
    reply_error(id, codes::permission_denied, "subscribe to the channel first");
    return;
  }
  if (stats) {
    auto [clients, users] = core_.hub.presence_stats(channel);
    reply(id, "presence_stats", {{"num_clients", clients}, {"num_users", users}});
  } else {
    reply(id, "presence", {{"presence", core_.hub.presence(channel)}});
  }
}

std::optional<std::size_t> ClientSession::history_limit(const json::object& req) const {
  const auto* limit_v = req.if_contains("limit");
  std::size_t limit = 0;
  if (limit_v && limit_v->is_int64() && limit_v->as_int64() > 0) limit = static_cast<std::size_t>(limit_v->as_int64());
  if (limit_v && limit_v->is_int64() && limit_v->as_int64() < 0) limit = core_.limits.max_history_limit;
  return std::min(limit, core_.limits.max_history_limit);
}

boost::asio::awaitable<void> ClientSession::stream_history(std::uint64_t id, std::string channel,
                                                           std::shared_ptr<ChannelOwner> owner, json::object req) {
  auto pos = core_.hub.position(channel);
  if (!pos) {
    reply_error(id, codes::not_available, "not subscribed");
    co_return;
  }
  std::optional<std::uint64_t> since;
  if (const auto* s = object_member(req, "since")) {
    if (string_member(*s, "epoch") != pos->epoch) {
      reply_error(id, 112, "unrecoverable position");
      co_return;
    }
    since = uint_member(*s, "offset");
  }
  std::vector<StoredPublication> pubs;
  std::optional<Error> refused;
  try {
    pubs = co_await owner->read_stream(channel, {since, *history_limit(req), bool_member(req, "reverse")});
  } catch (const Error& e) {
    refused = e;
  }
  if (refused) {
    reply_error(id, code_for(*refused), refused->detail().empty() ? refused->title() : refused->detail());
    co_return;
  }
  json::array out;
  for (const auto& p : pubs) out.push_back(Hub::publication_json(p));
  std::uint64_t top = pos->offset;
  for (const auto& p : pubs) top = std::max(top, p.offset);
  json::object res{{"epoch", pos->epoch}, {"offset", top}};
  if (!out.empty()) res["publications"] = std::move(out);
  reply(id, "history", std::move(res));
}

boost::asio::awaitable<void> ClientSession::on_history(std::uint64_t id, json::object req) {
  const std::string channel = string_member(req, "channel");
  if (!subscribed(channel)) {
    reply_error(id, codes::permission_denied, "subscribe to the channel first");
    co_return;
  }
  if (auto stream = streams_.find(channel); stream != streams_.end()) {
    co_await stream_history(id, channel, stream->second, std::move(req));
    co_return;
  }
  auto pos = core_.hub.position(channel);
  if (!pos) {
    reply_error(id, codes::not_available, "this channel keeps no history");
    co_return;
  }
  std::optional<std::uint64_t> since;
  if (const auto* s = object_member(req, "since")) {
    if (string_member(*s, "epoch") != pos->epoch) {
      reply_error(id, 112, "unrecoverable position");
      co_return;
    }
    since = uint_member(*s, "offset");
  }
  const std::size_t limit = *history_limit(req);
  json::array pubs;
  for (const auto& p : core_.hub.history(channel, since, limit, bool_member(req, "reverse"))) {
    pubs.push_back(Hub::publication_json(p));
  }
  json::object res{{"epoch", pos->epoch}, {"offset", pos->offset}};
  if (!pubs.empty()) res["publications"] = std::move(pubs);
  reply(id, "history", std::move(res));
}

boost::asio::awaitable<void> ClientSession::on_rpc(std::uint64_t id, json::object req) {
  auto method = core_.rpc_method(string_member(req, "method"));
  if (!method) {
    reply_error(id, codes::method_not_found, "unknown rpc method");
    co_return;
  }
  const auto* data = req.if_contains("data");
  std::optional<Error> refused;
  json::value result;
  // A named argument: g++ 12 destroyed the conditional's temporary twice when it was
  // written inside the co_await expression.
  json::value argument = data ? *data : json::value(nullptr);
  try {
    auto call = (*method)(principal_, std::move(argument));
    result = co_await std::move(call);
  } catch (const Error& e) {
    refused = e;
  }
  if (refused) {
    reply_error(id, code_for(*refused), refused->detail().empty() ? refused->title() : refused->detail());
    co_return;
  }
  reply(id, "rpc", {{"data", std::move(result)}});
}

boost::asio::awaitable<void> ClientSession::on_send(json::object req) {
  // Routed to the rpc method "send" when a module registered one; no reply either way.
  auto method = core_.rpc_method("send");
  if (!method) co_return;
  const auto* data = req.if_contains("data");
  json::value argument = data ? *data : json::value(nullptr);
  try {
    auto call = (*method)(principal_, std::move(argument));
    co_await std::move(call);
  } catch (const Error&) {
    // Fire-and-forget: a refused send is dropped.
  }
}

void ClientSession::on_refresh(std::uint64_t id, const json::object& req) {
  auto result = core_.verifier.verify(string_member(req, "token"));
  if (result.expired) {
    reply_error(id, codes::token_expired, "token expired");
    return;
  }
  if (!result.principal || result.principal->user_id != principal_.user_id) {
    connection_->close(codes::close_invalid_token, "invalid token");
    return;
  }
  principal_ = *result.principal;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  reply(id, "refresh",
        {{"client", client_id_},
         {"version", core_.version},
         {"expires", true},
         {"ttl", std::max<std::int64_t>(1, result.expires_at_s - now.count())}});
}

void ClientSession::on_close() {
  if (connected_ && connection_) core_.untrack(principal_.session_id, connection_.get());
  for (const auto& channel : subscriptions_) core_.hub.unsubscribe(channel, *this);
  subscriptions_.clear();
  for (const auto& [channel, owner] : streams_) {
    if (auto* watcher = dynamic_cast<StreamWatcher*>(owner.get())) watcher->on_stream_unsubscribed(principal_, channel);
  }
  streams_.clear();
  std::lock_guard lock(hold_mutex_);
  connection_.reset();
}

void RealtimeCore::track(const std::string& session_id, const std::shared_ptr<http::WsConnection>& connection) {
  std::lock_guard lock(live_mutex_);
  live_.emplace(session_id, connection);
}

void RealtimeCore::untrack(const std::string& session_id, const http::WsConnection* connection) {
  std::lock_guard lock(live_mutex_);
  auto [first, last] = live_.equal_range(session_id);
  for (auto it = first; it != last; ++it) {
    auto c = it->second.lock();
    if (!c || c.get() == connection) {
      live_.erase(it);
      return;
    }
  }
}

void RealtimeCore::close_sessions(const std::vector<std::string>& session_ids) {
  std::vector<std::shared_ptr<http::WsConnection>> closing;
  {
    std::lock_guard lock(live_mutex_);
    for (const auto& id : session_ids) {
      auto [first, last] = live_.equal_range(id);
      for (auto it = first; it != last; ++it) {
        if (auto c = it->second.lock()) closing.push_back(std::move(c));
      }
      live_.erase(first, last);
    }
  }
  for (const auto& c : closing) c->close(codes::close_session_revoked, "session revoked");
}

}  // namespace tc::realtime
