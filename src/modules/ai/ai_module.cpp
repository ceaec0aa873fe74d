#include "modules/ai/ai_module.h"

#include "core/errors.h"
#include "modules/ai/ai_channel.h"
#include "modules/ai/ai_routes.h"
#include "modules/ai/answer_watch.h"
#include "modules/ai/assistant.h"
#include "modules/ai/internet_research.h"
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
    if (auto internet = internet_research_config(ctx.config)) {
      services.web_research = internet_research(std::move(*internet), services.web_research);
    }
    services.pool = &ctx.pool;
    const AssistantLimits limits{
        .max_concurrent_per_user = static_cast<std::size_t>(ctx.config.integer("ai.max_concurrent_answers")),
        .max_tool_calls = static_cast<std::size_t>(ctx.config.integer("ai.max_tool_calls")),
        .max_output_tokens = ctx.config.integer("ai.max_output_tokens"),
        .max_messages = static_cast<std::size_t>(ctx.config.integer("ai.max_messages_per_conversation"))};
    assistant_ = std::make_shared<Assistant>(store_, llm::make_router(ctx.config, ctx.metrics), services, limits);
    // An answer nobody follows any more (the user disconnected, from whichever
    // instance their socket was on) is stopped after a grace.
    const auto grace = ctx.config.duration("ai.disconnect_grace");
    const auto ask_wait = ctx.config.duration("ai.follow_check_wait");
    auto channel_ref = std::make_shared<std::weak_ptr<AiChannel>>();
    auto watch_ref = std::make_shared<std::weak_ptr<AnswerWatch>>();
    std::weak_ptr<Assistant> weak = assistant_;
    watch_ = std::make_shared<AnswerWatch>(
        ctx.bus,
        [channel_ref](const std::string& conv) -> std::size_t {
          auto ch = channel_ref->lock();
          return ch ? ch->subscribers(conv) : 0;
        },
        [weak, watch_ref, grace, ask_wait](const std::string& user, const std::string& conv) {
          auto assistant = weak.lock();
          if (!assistant) return;
          auto followed = [watch_ref, conv, ask_wait]() -> boost::asio::awaitable<bool> {
            auto watch = watch_ref->lock();
            if (!watch) co_return true;
            co_return co_await watch->watched_anywhere(conv, ask_wait);
          };
          assistant->cancel_if_unwatched(user, conv, followed, grace);
        });
    *watch_ref = watch_;
    std::weak_ptr<AnswerWatch> watch = watch_;
    auto channel = std::make_shared<AiChannel>(*store_, [watch](const std::string& user, const std::string& conv) {
      if (auto w = watch.lock()) w->last_local_unsubscribed(user, conv);
    });
    *channel_ref = channel;
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
    watch_.reset();
    if (room_ai_) room_ai_->stop();
    if (assistant_) assistant_->cancel_all();
  }

 private:
  std::shared_ptr<ConversationStore> store_;
  std::shared_ptr<Assistant> assistant_;
  std::shared_ptr<AnswerWatch> watch_;
  std::unique_ptr<RoomAi> room_ai_;
};

}  // namespace

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  add_internet_research_keys(schema);
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
  schema.add({.key = "ai.follow_check_wait",
              .kind = K::duration,
              .default_value = "1s",
              .help = "after the grace, how long the instance running an answer waits for another instance "
                      "to say its user still follows it",
              .min = 10,
              .max = 60'000});
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
