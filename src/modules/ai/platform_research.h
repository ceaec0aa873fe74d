// Deep Web Search with no internet: ai-tools' research() (numbered sources,
// relevant passages, citations) over a SearchBackend of the platform's own content —
// messages of the rooms the asking user belongs to (read through chat's rules), the
// user's own conversations (not when answering in a room), the instrument catalogue
// and the Learn curriculum. Every hit carries its text, so nothing is fetched.
#pragma once

#include "modules/ai/tools.h"

namespace tc::ai {

WebResearch platform_research();

}  // namespace tc::ai
