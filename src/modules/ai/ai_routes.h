// The REST routes of the ai module under /api/v1/ai (and PUT /api/v1/rooms/{id}/ai).
// Every route needs a signed-in user; a conversation, proposal or file belongs to
// its creator and another user's id is a 404 that changes nothing.
#pragma once

#include "modules/ai/assistant.h"
#include "modules/auth/auth.h"
#include "net/router.h"

namespace tc::alerts {
class AlertService;
}
namespace tc::chat {
class RoomAssist;
}

namespace tc::ai {

struct RouteLimits {
  std::size_t max_message_bytes = 8000;
  std::int64_t max_conversations = 500;
  std::int64_t max_files = 50;
  std::size_t max_file_bytes = 5 << 20;
  std::size_t max_rules = 20;
};

struct AiRoutesContext {
  const auth::Authenticator* auth = nullptr;
  std::shared_ptr<Assistant> assistant;
  std::shared_ptr<ConversationStore> store;
  alerts::AlertService* alerts = nullptr;  // null: confirming an alert proposal is 503
  chat::RoomAssist* chat = nullptr;        // null: the room setting route is 503
  RouteLimits limits;
};

void add_ai_routes(http::Router& router, std::shared_ptr<AiRoutesContext> ctx);

}  // namespace tc::ai
