#include "modules/chat/chat_module.h"

#include "core/errors.h"
#include "modules/auth/auth.h"
#include "modules/chat/chat_service.h"
#include "modules/chat/message_text.h"
#include "modules/chat/room_channel.h"
#include "modules/realtime/realtime.h"
#include "net/json_fields.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <charconv>

namespace tc::chat {
namespace {

namespace json = boost::json;
using Awaitable = boost::asio::awaitable<http::Response>;

json::object schema(const char* text) { return json::parse(text).as_object(); }

// Action routes take no fields: an empty body or {}.
json::object no_fields() { return schema(R"({"type":"object","additionalProperties":false})"); }

// Integer fields of a body already checked by JsonFields (which reads strings only).
std::optional<std::int64_t> optional_int(const json::value& body, std::string_view name, std::int64_t min,
                                         std::int64_t max) {
  const auto* v = body.as_object().if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->as_uint64());
  }
  if (!n || *n < min || *n > max) {
    throw errors::validation(fmt::format("field \"{}\" must be an integer from {} to {}", name, min, max));
  }
  return n;
}

std::int64_t required_int(const json::value& body, std::string_view name, std::int64_t min, std::int64_t max) {
  auto n = optional_int(body, name, min, max);
  if (!n) throw errors::validation(fmt::format("field \"{}\" is required", name));
  return *n;
}

ListQuery list_query(const http::Request& req, std::size_t default_limit) {
  ListQuery q;
  q.limit = default_limit;
  if (auto limit = req.query_param("limit")) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc() || end != limit->data() + limit->size() || n < 1 || n > kMaxPageSize) {
      throw errors::validation(fmt::format("query parameter \"limit\" must be 1 to {}", kMaxPageSize));
    }
    q.limit = n;
  }
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) q.cursor = *cursor;
  return q;
}

// Path ids longer than any id we issue are refused before they reach SQL.
const std::string& path_id(const http::Request& req, std::string_view name) {
  const auto& v = req.param(name);
  if (v.empty() || v.size() > 64) throw errors::not_found(fmt::format("no such {}", name));
  return v;
}

json::value body_of(const http::Request& req) {
  // An empty body counts as {} for action routes that take no fields.
  if (req.body.empty()) return json::object{};
  return req.json();
}

constexpr const char* kMessageSchema = R"({"type":"object","properties":{"type":{"const":"message"},
  "id":{"type":"string"},"room_id":{"type":"string"},"seq":{"type":"integer","description":"the room offset"},
  "author":{"type":"string","description":"user id"},"text":{"type":"string","description":"markdown source"},
  "html":{"type":"string","description":"sanitized rendering of the safe markdown subset"},
  "client_msg_id":{"type":["string","null"]},"reply_to":{"type":["string","null"]},
  "mentions":{"type":"array","items":{"type":"object","properties":{"username":{"type":"string"},"user_id":{"type":["string","null"]}}}},
  "cashtags":{"type":"array","items":{"type":"string"}},"created_at_ms":{"type":"integer"},
  "edited_at_ms":{"type":["integer","null"]},"deleted":{"type":"boolean"},"pinned":{"type":"boolean"},
  "reactions":{"type":"object","additionalProperties":{"type":"integer"}}}})";

constexpr const char* kRoomSchema = R"({"type":"object","properties":{"id":{"type":"string"},
  "kind":{"enum":["public","private","direct"]},"visibility":{"enum":["public","private","direct"]},
  "name":{"type":"string"},"topic":{"type":"string"},"created_by":{"type":"string"},"created_at_ms":{"type":"integer"},
  "last_seq":{"type":"integer"},"channel":{"type":"string"},"role":{"enum":["owner","moderator","member",null]},
  "last_read_seq":{"type":"integer"},"unread":{"type":"integer"},"muted_until_ms":{"type":"integer"}}})";

constexpr const char* kMemberSchema = R"({"type":"object","properties":{"user_id":{"type":"string"},
  "role":{"enum":["owner","moderator","member"]},"joined_at_ms":{"type":"integer"},"muted_until_ms":{"type":"integer"}}})";

json::object list_of(const char* item) {
  return json::object{{"type", "object"},
                      {"properties",
                       {{"items", {{"type", "array"}, {"items", json::parse(item)}}},
                        {"next_cursor", {{"type", json::array{"string", "null"}}}}}}};
}

const std::vector<std::pair<int, std::string>> kRoomErrors = {{401, "Not signed in"},
                                                              {403, "Not allowed in this room"},
                                                              {404, "No such room (or a private room you are not in)"}};

std::vector<std::pair<int, std::string>> with(std::vector<std::pair<int, std::string>> ok) {
  ok.insert(ok.end(), kRoomErrors.begin(), kRoomErrors.end());
  return ok;
}

class ChatModule final : public app::Module {
 public:
  void start(app::ModuleContext& ctx) override {
    auth_ = ctx.services.find<auth::Authenticator>();
    auto* realtime = ctx.services.find<realtime::Realtime>();
    if (!auth_ || !realtime) throw std::logic_error("chat needs the auth and realtime modules");
    service_ = std::make_unique<ChatService>(ctx.store, realtime, ctx.services.find<auth::UserDirectory>());
    channel_ = std::make_shared<RoomChannel>(*service_);
    realtime->register_namespace("room", channel_);
    std::shared_ptr<RoomChannel> channel = channel_;
    realtime->register_rpc("typing", [channel](realtime::Principal who, json::value data) {
      return channel->typing(std::move(who), std::move(data));
    });
    // The protocol's fire-and-forget `send` carries typing too: {"room": "<id>"}.
    realtime->register_rpc("send", [channel](realtime::Principal who, json::value data) {
      return channel->typing(std::move(who), std::move(data));
    });
    ctx.services.provide<RoomAccess>(service_.get());
    ctx.services.provide<RoomAssist>(service_.get());
    add_room_routes(ctx.router);
    add_member_routes(ctx.router);
    add_message_routes(ctx.router);
  }

 private:
  void add_room_routes(http::Router& router) {
    ChatService* svc = service_.get();
    const auth::Authenticator* auth = auth_;
    const http::RouteOptions small{.max_body_bytes = 16 * 1024};

    auto create = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(req.json(), {"name", "visibility", "topic"});
      auto name = f.required_string("name", 1, 100);
      auto visibility = f.required_string("visibility", 1, 16);
      auto topic = f.optional_string("topic", 0, 500).value_or("");
      co_return http::Response::json(co_await svc->create_room(who, name, visibility, topic), 201);
    };
    router.add("POST", "/api/v1/rooms", create,
               {.summary = "Create a room; the caller becomes its owner",
                .tag = "chat",
                .auth = true,
                .request_schema = schema(R"({"type":"object","additionalProperties":false,
                  "required":["name","visibility"],"properties":{"name":{"type":"string","minLength":1,"maxLength":100},
                  "visibility":{"enum":["public","private"]},"topic":{"type":"string","maxLength":500}}})"),
                .responses = {{201, "Created"}, {401, "Not signed in"}, {422, "Invalid fields"}},
                .response_schema = schema(kRoomSchema)},
               small);

    auto mine = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_return http::Response::json(co_await svc->list_rooms(who, list_query(req, 50)));
    };
    router.add("GET", "/api/v1/rooms", mine,
               {.summary = "The rooms the caller is a member of, with unread counts",
                .tag = "chat",
                .auth = true,
                .responses = {{200, "Rooms"}, {401, "Not signed in"}, {422, "Bad limit or cursor"}},
                .response_schema = list_of(kRoomSchema),
                .query_params = {"cursor", "limit"}});

    auto get = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_return http::Response::json(co_await svc->get_room(who, path_id(req, "id")));
    };
    router.add("GET", "/api/v1/rooms/{id}", get,
               {.summary = "A room (public rooms to anyone signed in; others to members)",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "The room"}}),
                .response_schema = schema(kRoomSchema)});

    auto join = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(body_of(req), {});
      co_return http::Response::json(co_await svc->join(who, path_id(req, "id")));
    };
    router.add("POST", "/api/v1/rooms/{id}/join", join,
               {.summary = "Join a public room (joining again changes nothing)",
                .tag = "chat",
                .auth = true,
                .request_schema = no_fields(),
                .responses = with({{200, "Joined"}}),
                .response_schema = schema(kRoomSchema)},
               small);

    auto leave = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(body_of(req), {});
      co_await svc->leave(who, path_id(req, "id"));
      co_return http::Response::empty(204);
    };
    router.add("POST", "/api/v1/rooms/{id}/leave", leave,
               {.summary = "Leave a room (the owner hands ownership over first)",
                .tag = "chat",
                .auth = true,
                .request_schema = no_fields(),
                .responses = with({{204, "Left"}, {409, "The owner cannot leave; direct rooms cannot be left"}})},
               small);

    auto direct = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(req.json(), {"user"});
      co_return http::Response::json(co_await svc->open_direct(who, f.required_string("user", 1, 64)));
    };
    router.add("POST", "/api/v1/direct", direct,
               {.summary = "Open (or find) the direct-message room with another user",
                .tag = "chat",
                .auth = true,
                .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["user"],
                  "properties":{"user":{"type":"string","description":"user id or username"}}})"),
                .responses =
                    {{200, "The direct room"}, {401, "Not signed in"}, {404, "No such user"}, {422, "Invalid fields"}},
                .response_schema = schema(kRoomSchema)},
               small);
  }

  void add_member_routes(http::Router& router) {
    ChatService* svc = service_.get();
    const auth::Authenticator* auth = auth_;
    const http::RouteOptions small{.max_body_bytes = 16 * 1024};

    auto members = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_return http::Response::json(co_await svc->members(who, path_id(req, "id"), list_query(req, 100)));
    };
    router.add("GET", "/api/v1/rooms/{id}/members", members,
               {.summary = "A room's members and their room roles",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "Members"}}),
                .response_schema = list_of(kMemberSchema),
                .query_params = {"cursor", "limit"}});

    auto invite = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(req.json(), {"user"});
      co_return http::Response::json(co_await svc->invite(who, path_id(req, "id"), f.required_string("user", 1, 64)));
    };
    router.add("POST", "/api/v1/rooms/{id}/invites", invite,
               {.summary = "Add a user to the room (private rooms: moderators and the owner)",
                .tag = "chat",
                .auth = true,
                .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["user"],
                  "properties":{"user":{"type":"string","description":"user id or username"}}})"),
                .responses = with({{200, "The member"}, {409, "Banned, or a direct room"}, {422, "Invalid fields"}}),
                .response_schema = schema(kMemberSchema)},
               small);

    auto kick = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_await svc->kick(who, path_id(req, "id"), path_id(req, "user_id"));
      co_return http::Response::empty(204);
    };
    router.add("DELETE", "/api/v1/rooms/{id}/members/{user_id}", kick,
               {.summary = "Remove a member (kick): moderators remove members, the owner anyone",
                .tag = "chat",
                .auth = true,
                .responses = with({{204, "Removed"}})});

    auto set_role = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(req.json(), {"role"});
      auto role = parse_room_role(f.required_string("role", 1, 16));
      if (!role) throw errors::validation("field \"role\" must be member, moderator or owner");
      co_return http::Response::json(co_await svc->set_role(who, path_id(req, "id"), path_id(req, "user_id"), *role));
    };
    router.add("PATCH", "/api/v1/rooms/{id}/members/{user_id}", set_role,
               {.summary = "Change a member's room role (owner only; \"owner\" hands the room over)",
                .tag = "chat",
                .auth = true,
                .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["role"],
                  "properties":{"role":{"enum":["member","moderator","owner"]}}})"),
                .responses = with({{200, "The member"}, {422, "Invalid fields"}}),
                .response_schema = schema(kMemberSchema)},
               small);

    auto ban = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(body_of(req), {});
      co_await svc->ban(who, path_id(req, "id"), path_id(req, "user_id"), req.method == "PUT");
      co_return http::Response::empty(204);
    };
    const auto ban_doc = [](const char* summary) {
      return http::OperationDoc{.summary = summary,
                                .tag = "chat",
                                .auth = true,
                                .request_schema = no_fields(),
                                .responses = with({{204, "Done"}})};
    };
    router.add("PUT", "/api/v1/rooms/{id}/bans/{user_id}", ban,
               ban_doc("Ban a user from the room (removes them; they cannot join or be invited)"));
    router.add("DELETE", "/api/v1/rooms/{id}/bans/{user_id}", ban, ban_doc("Lift a ban"));

    auto mute = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      auto body = req.json();
      http::JsonFields f(body, {"user_id", "seconds"});
      auto user = f.required_string("user_id", 1, 64);
      auto seconds = required_int(body, "seconds", 0, 30LL * 24 * 3600);
      co_return http::Response::json(co_await svc->mute(who, path_id(req, "id"), user, seconds));
    };
    router.add("POST", "/api/v1/rooms/{id}/mutes", mute,
               {.summary = "Mute a member for some seconds (0 lifts the mute)",
                .tag = "chat",
                .auth = true,
                .request_schema = schema(R"({"type":"object","additionalProperties":false,
                  "required":["user_id","seconds"],"properties":{"user_id":{"type":"string"},
                  "seconds":{"type":"integer","minimum":0,"maximum":2592000}}})"),
                .responses = with({{200, "The member"}, {422, "Invalid fields"}}),
                .response_schema = schema(kMemberSchema)},
               small);
  }

  void add_message_routes(http::Router& router) {
    ChatService* svc = service_.get();
    const auth::Authenticator* auth = auth_;
    const http::RouteOptions small{.max_body_bytes = 16 * 1024};
    const http::RouteOptions message_body{.max_body_bytes = 64 * 1024};

    auto history = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_return http::Response::json(co_await svc->history(who, path_id(req, "id"), list_query(req, 50)));
    };
    router.add("GET", "/api/v1/rooms/{id}/messages", history,
               {.summary = "Message history, newest last; next_cursor pages to older messages",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "Messages"}, {422, "Bad limit or cursor"}}),
                .response_schema = list_of(kMessageSchema),
                .query_params = {"cursor", "limit"}});

    auto send = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(req.json(), {"text", "client_msg_id", "reply_to"});
      NewMessage m{f.required_string("text", 1, kMaxMessageBytes), f.optional_string("client_msg_id", 1, 64),
                   f.optional_string("reply_to", 1, 64)};
      co_return http::Response::json(co_await svc->send(who, path_id(req, "id"), std::move(m)), 201);
    };
    router.add(
        "POST", "/api/v1/rooms/{id}/messages", send,
        {.summary = "Send a message: stored, then fanned out on room:<id>; a retry with the same "
                    "client_msg_id returns the first message",
         .tag = "chat",
         .auth = true,
         .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["text"],
                  "properties":{"text":{"type":"string","description":"1 to 4000 characters, markdown subset"},
                  "client_msg_id":{"type":"string","pattern":"^[A-Za-z0-9._:-]{1,64}$"},
                  "reply_to":{"type":"string","description":"id of a message in this room"}}})"),
         .responses = with({{201, "Stored (or the earlier message with this client_msg_id)"}, {422, "Invalid fields"}}),
         .response_schema = schema(kMessageSchema)},
        message_body);

    auto get = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_return http::Response::json(co_await svc->get_message(who, path_id(req, "id"), path_id(req, "message_id")));
    };
    router.add("GET", "/api/v1/rooms/{id}/messages/{message_id}", get,
               {.summary = "One message",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "The message"}}),
                .response_schema = schema(kMessageSchema)});

    auto edit = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(req.json(), {"text"});
      co_return http::Response::json(co_await svc->edit(who, path_id(req, "id"), path_id(req, "message_id"),
                                                        f.required_string("text", 1, kMaxMessageBytes)));
    };
    router.add("PATCH", "/api/v1/rooms/{id}/messages/{message_id}", edit,
               {.summary = "Edit one's own message (the earlier text is kept in its edit history)",
                .tag = "chat",
                .auth = true,
                .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["text"],
                  "properties":{"text":{"type":"string"}}})"),
                .responses = with({{200, "The edited message"}, {409, "Deleted"}, {422, "Invalid fields"}}),
                .response_schema = schema(kMessageSchema)},
               message_body);

    auto remove = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_await svc->remove(who, path_id(req, "id"), path_id(req, "message_id"));
      co_return http::Response::empty(204);
    };
    router.add("DELETE", "/api/v1/rooms/{id}/messages/{message_id}", remove,
               {.summary = "Delete a message (its author, a room moderator or owner, or a site moderator)",
                .tag = "chat",
                .auth = true,
                .responses = with({{204, "Deleted"}})});

    auto edits = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_return http::Response::json(co_await svc->edits(who, path_id(req, "id"), path_id(req, "message_id")));
    };
    router.add("GET", "/api/v1/rooms/{id}/messages/{message_id}/edits", edits,
               {.summary = "A message's earlier versions, oldest first",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "Versions"}})});

    auto thread = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_return http::Response::json(co_await svc->thread(who, path_id(req, "id"), path_id(req, "message_id")));
    };
    router.add("GET", "/api/v1/rooms/{id}/messages/{message_id}/thread", thread,
               {.summary = "A message and its replies (reply_to = it), oldest first",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "The thread"}})});

    auto react = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(body_of(req), {});
      co_return http::Response::json(co_await svc->react(who, path_id(req, "id"), path_id(req, "message_id"),
                                                         req.param("emoji"), req.method == "PUT"));
    };
    router.add("PUT", "/api/v1/rooms/{id}/messages/{message_id}/reactions/{emoji}", react,
               {.summary = "Add the caller's reaction (an emoji, percent-encoded in the path)",
                .tag = "chat",
                .auth = true,
                .request_schema = no_fields(),
                .responses = with({{200, "The message's reaction counts"}, {422, "Not an emoji-sized string"}})});
    router.add("DELETE", "/api/v1/rooms/{id}/messages/{message_id}/reactions/{emoji}", react,
               {.summary = "Take the caller's reaction back",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "The message's reaction counts"}})});

    auto pin = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(body_of(req), {});
      co_return http::Response::json(
          co_await svc->pin(who, path_id(req, "id"), path_id(req, "message_id"), req.method == "PUT"));
    };
    router.add("PUT", "/api/v1/rooms/{id}/pins/{message_id}", pin,
               {.summary = "Pin a message (room moderators and the owner)",
                .tag = "chat",
                .auth = true,
                .request_schema = no_fields(),
                .responses = with({{200, "The message"}}),
                .response_schema = schema(kMessageSchema)});
    router.add("DELETE", "/api/v1/rooms/{id}/pins/{message_id}", pin,
               {.summary = "Unpin a message",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "The message"}}),
                .response_schema = schema(kMessageSchema)});

    auto pins = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      co_return http::Response::json(co_await svc->pins(who, path_id(req, "id")));
    };
    router.add("GET", "/api/v1/rooms/{id}/pins", pins,
               {.summary = "The room's pinned messages",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "Pinned messages"}}),
                .response_schema = list_of(kMessageSchema)});

    auto read = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      auto body = req.json();
      http::JsonFields f(body, {"seq"});
      auto seq = required_int(body, "seq", 0, INT64_MAX / 2);
      co_return http::Response::json(co_await svc->mark_read(who, path_id(req, "id"), static_cast<std::uint64_t>(seq)));
    };
    router.add("POST", "/api/v1/rooms/{id}/read", read,
               {.summary = "Read receipt: the caller has read up to seq (never moves back)",
                .tag = "chat",
                .auth = true,
                .request_schema = schema(R"({"type":"object","additionalProperties":false,"required":["seq"],
                  "properties":{"seq":{"type":"integer","minimum":0}}})"),
                .responses = with({{200, "{last_read_seq, unread}"}, {422, "Invalid fields"}})},
               small);

    auto search = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      auto q = list_query(req, 50);
      co_return http::Response::json(
          co_await svc->search(who, path_id(req, "id"), req.query_param("q").value_or(""), q.limit));
    };
    router.add("GET", "/api/v1/rooms/{id}/search", search,
               {.summary = "Messages of the room containing q (case-insensitive for ASCII), newest first",
                .tag = "chat",
                .auth = true,
                .responses = with({{200, "Matching messages"}, {422, "q missing or too long"}}),
                .response_schema = list_of(kMessageSchema),
                .query_params = {"q", "limit"}});

    auto typing = [svc, auth](http::Request req) -> Awaitable {
      auto who = auth->require(req);
      http::JsonFields f(body_of(req), {});
      co_await svc->typing(who, path_id(req, "id"));
      co_return http::Response::empty(204);
    };
    router.add("POST", "/api/v1/rooms/{id}/typing", typing,
               {.summary = "Typing indicator: a droppable event on room:<id>, never stored",
                .tag = "chat",
                .auth = true,
                .request_schema = no_fields(),
                .responses = with({{204, "Sent"}})},
               small);
  }

  const auth::Authenticator* auth_ = nullptr;
  std::unique_ptr<ChatService> service_;
  std::shared_ptr<RoomChannel> channel_;
};

}  // namespace

app::ModuleSpec spec() {
  return {.name = "chat",
          .description = "rooms, membership, messages, reactions, threads, read state, moderation",
          .dependencies = {"auth", "realtime"},
          .create = [] { return std::make_unique<ChatModule>(); },
          .migrations = migrations()};
}

}  // namespace tc::chat
