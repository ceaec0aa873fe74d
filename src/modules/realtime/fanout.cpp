#include "modules/realtime/fanout.h"

#include "core/ids.h"
#include "core/log.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tc::realtime {

namespace json = boost::json;

Fanout::Fanout(Hub& hub, infra::bus::Bus& bus) : hub_(hub), bus_(bus), instance_(ids::random_hex(8)) {
  subscription_ =
      bus_.subscribe(kSubject, [this](const std::string&, const std::string& payload) { on_message(payload); });
}

Fanout::~Fanout() { subscription_.reset(); }

void Fanout::publish(const std::string& channel, std::uint64_t offset, const json::value& data,
                     const std::optional<json::object>& info, bool droppable) {
  if (offset)
    hub_.publish_at(channel, offset, data, info);
  else
    hub_.broadcast(channel, data, droppable);
  json::object msg{
      {"origin", instance_}, {"channel", channel}, {"offset", offset}, {"data", data}, {"droppable", droppable}};
  if (info) msg["info"] = *info;
  try {
    bus_.publish(kSubject, json::serialize(msg));
  } catch (const std::exception& e) {
    // Already committed and delivered here; other instances' clients recover it from
    // the store when they resubscribe.
    log::warn("realtime: fan-out to other instances failed", {{"channel", channel}, {"error", e.what()}});
  }
}

std::uint64_t Fanout::publish_everywhere(const std::string& channel, const json::value& data) {
  const auto offset = hub_.publish(channel, data, std::nullopt);
  try {
    bus_.publish(kSubject, json::serialize(json::object{
                               {"origin", instance_}, {"channel", channel}, {"hub", true}, {"data", data}}));
  } catch (const std::exception& e) {
    log::warn("realtime: publish to other instances failed", {{"channel", channel}, {"error", e.what()}});
  }
  return offset;
}

namespace {
constexpr int kUnsubscribedByServer = 2000;  // below 2500: the client does not resubscribe
constexpr const char* kRemovedReason = "removed from the channel";
}  // namespace

void Fanout::unsubscribe_user(const std::string& channel, const std::string& user_id) {
  hub_.unsubscribe_user(channel, user_id, kUnsubscribedByServer, kRemovedReason);
  try {
    bus_.publish(kSubject, json::serialize(json::object{
                               {"origin", instance_}, {"channel", channel}, {"unsubscribe_user", user_id}}));
  } catch (const std::exception& e) {
    log::warn("realtime: unsubscribe on other instances failed", {{"channel", channel}, {"error", e.what()}});
  }
}

void Fanout::on_message(const std::string& payload) {
  boost::system::error_code ec;
  auto v = json::parse(payload, ec);
  if (ec || !v.is_object()) return;
  const auto& o = v.as_object();
  const auto* origin = o.if_contains("origin");
  const auto* channel = o.if_contains("channel");
  const auto* offset = o.if_contains("offset");
  const auto* data = o.if_contains("data");
  if (!origin || !origin->is_string() || !channel || !channel->is_string()) return;
  if (origin->as_string() == instance_) return;
  if (const auto* user = o.if_contains("unsubscribe_user"); user && user->is_string()) {
    hub_.unsubscribe_user(std::string(channel->as_string()), std::string(user->as_string()), kUnsubscribedByServer,
                          kRemovedReason);
    return;
  }
  if (const auto* hub = o.if_contains("hub"); hub && hub->is_bool() && hub->as_bool() && data) {
    hub_.publish(std::string(channel->as_string()), *data, std::nullopt);
    return;
  }
  if (!offset || !data) return;
  std::uint64_t off = 0;
  if (offset->is_uint64())
    off = offset->as_uint64();
  else if (offset->is_int64() && offset->as_int64() >= 0)
    off = static_cast<std::uint64_t>(offset->as_int64());
  else
    return;
  const std::string name(channel->as_string());
  if (off) {
    std::optional<json::object> info;
    if (const auto* i = o.if_contains("info"); i && i->is_object()) info = i->as_object();
    hub_.publish_at(name, off, *data, info);
  } else {
    const auto* d = o.if_contains("droppable");
    hub_.broadcast(name, *data, d && d->is_bool() && d->as_bool());
  }
}

}  // namespace tc::realtime
