#include "modules/ai/ai_module.h"

#include "core/errors.h"
#include "modules/ai/ai_channel.h"
#include "modules/ai/ai_routes.h"
#include "modules/ai/assistant.h"
#include "modules/ai/platform_research.h"
#include "modules/ai/room_ai.h"
#include "modules/alerts/alert_service.h"
#include "modules/auth/auth.h"
#include "modules/chat/chat.h"
#include "modules/market/market.h"
#include "modules/realtime/realtime.h"

namespace tc::ai {
namespace {

class AiModule final : public app::Module {
 public:
  void start(app::ModuleContext& ctx) override {
    const auto* auth = ctx.services.find<auth::Authenticator>();
    auto* realtime = ctx.services.find<realtime::Realtime>();
    if (!auth || !realtime) throw std::logic_error("ai needs the auth and realtime modules");
    auto* chat = ctx.services.find<chat::RoomAssist>();
    auto* alerts = ctx.services.find<alerts::AlertService>();
    store_ = std::make_shared<ConversationStore>(ctx.store, realtime);
    store_->fail_abandoned_answers();

    ToolContext services;
    services.market = ctx.services.find<market::Market>();
    services.chat = chat;
    services.alerts = alerts;
    services.web_research = platform_research();
    services.pool = &ctx.pool;
    const AssistantLimits limits{
        .max_concurrent_per_user = static_cast<std::size_t>(ctx.config.integer("ai.max_concurrent_answers")),
        .max_tool_calls = static_cast<std::size_t>(ctx.config.integer("ai.max_tool_calls")),
        .max_output_tokens = ctx.config.integer("ai.max_output_tokens"),
        .max_messages = static_cast<std::size_t>(ctx.config.integer("ai.max_messages_per_conversation"))};
    assistant_ = std::make_shared<Assistant>(store_, llm::make_router(ctx.config, ctx.metrics), services, limits);
    // An answer nobody follows any more (the user disconnected) is stopped after a grace.
    const auto grace = ctx.config.duration("ai.disconnect_grace");
    std::weak_ptr<Assistant> weak = assistant_;
    auto self_ref = std::make_shared<std::weak_ptr<AiChannel>>();
    auto channel =
        std::make_shared<AiChannel>(*store_, [weak, self_ref, grace](const std::string& user, const std::string& conv) {
          auto assistant = weak.lock();
          if (!assistant) return;
          std::weak_ptr<AiChannel> channel = *self_ref;
          auto unwatched = [channel, conv] {
            auto ch = channel.lock();
            return !ch || ch->subscribers(conv) == 0;
          };
          assistant->cancel_if_unwatched(user, conv, unwatched, grace);
        });
    *self_ref = channel;
    realtime->register_namespace("ai", channel);

    auto routes = std::make_shared<AiRoutesContext>();
    routes->auth = auth;
    routes->assistant = assistant_;
    routes->store = store_;
    routes->alerts = alerts;
    routes->chat = chat;
    routes->limits.max_conversations = ctx.config.integer("ai.max_conversations_per_user");
    routes->limits.max_files = ctx.config.integer("ai.max_files_per_user");
    add_ai_routes(ctx.router, routes);

    if (chat) {
      room_ai_ = std::make_unique<RoomAi>(assistant_, *chat, realtime);
      room_ai_->start();
    }
  }

  void stop() noexcept override {
    if (room_ai_) room_ai_->stop();
    if (assistant_) assistant_->cancel_all();
  }

 private:
  std::shared_ptr<ConversationStore> store_;
  std::shared_ptr<Assistant> assistant_;
  std::unique_ptr<RoomAi> room_ai_;
};

}  // namespace

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "ai.max_concurrent_answers",
              .kind = K::integer,
              .default_value = "2",
              .help = "answers one user may have being written at once (conversations and @ai together)",
              .min = 1,
              .max = 50});
  schema.add({.key = "ai.disconnect_grace",
              .kind = K::duration,
              .default_value = "10s",
              .help = "how long a running answer waits for its user to come back before it is cancelled",
              .min = 0,
              .max = 3'600'000});
  schema.add({.key = "ai.max_tool_calls",
              .kind = K::integer,
              .default_value = "12",
              .help = "tool calls one answer may make over all its model turns",
              .min = 1,
              .max = 100});
  schema.add({.key = "ai.max_output_tokens",
              .kind = K::integer,
              .default_value = "4096",
              .help = "output tokens of one model turn (a mode's own limit applies when lower)",
              .min = 16,
              .max = 200'000});
  schema.add({.key = "ai.max_messages_per_conversation",
              .kind = K::integer,
              .default_value = "1000",
              .help = "messages one conversation may hold",
              .min = 2,
              .max = 100'000});
  schema.add({.key = "ai.max_conversations_per_user",
              .kind = K::integer,
              .default_value = "500",
              .help = "conversations one user may keep",
              .min = 1,
              .max = 100'000});
  schema.add({.key = "ai.max_files_per_user",
              .kind = K::integer,
              .default_value = "50",
              .help = "uploaded files one user may keep",
              .min = 1,
              .max = 10'000});
}

app::ModuleSpec spec() {
  return {.name = "ai",
          .description = "the assistant: seven modes, tools, offline engine, conversations on ai:<id>, @ai in rooms",
          .dependencies = {"auth", "realtime", "market", "chat", "alerts"},
          .create = [] { return std::make_unique<AiModule>(); },
          .migrations = migrations()};
}

}  // namespace tc::ai
