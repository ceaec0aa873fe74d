// The ai module's interface to other modules: its vocabulary. The assistant itself
// is reached over REST (/api/v1/ai/…) and the `ai:<conversation>` channel; chat
// rooms reach it through chat's message observer (chat never depends on ai).
#pragma once

#include <string>

namespace tc::ai {

// The author id of the assistant's messages in chat rooms.
inline constexpr const char* kBotUserId = "ai";

// "ai:<conversation id>"
inline std::string conversation_channel(const std::string& conversation_id) { return "ai:" + conversation_id; }

}  // namespace tc::ai
