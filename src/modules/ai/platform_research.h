// Deep Web Search with no internet: research over the platform's own content —
// messages of the rooms the user belongs to, the user's own conversations, the
// instrument catalogue and the Learn curriculum — returned as numbered sources
// with links, in the same shape as ai-tools' web research.
#pragma once

#include "modules/ai/tools.h"

namespace tc::ai {

WebResearch platform_research();

}  // namespace tc::ai
