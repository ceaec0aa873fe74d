// The chat module: rooms (public, private, direct), membership and room roles,
// messages with mentions, cashtags, replies, edits, reactions, pins, read state and
// search, over REST and the `room:<id>` channels of the realtime module.
#pragma once

#include "app/module.h"

namespace tc::chat {

app::ModuleSpec spec();
std::vector<infra::store::Migration> migrations();

}  // namespace tc::chat
