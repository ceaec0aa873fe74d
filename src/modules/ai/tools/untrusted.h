// Untrusted data framing: tool results and fetched text reach the model inside
// clearly delimited data blocks, never as instructions. Anything inside the data
// that looks like a block delimiter is neutralised so a page cannot close its block
// and speak as the system; the data is capped in length. The assistant's system
// prompt carries untrusted_data_rules() once, and the tool loop uses
// tools_outside_allow_list() to refuse calls the mode does not offer.
#pragma once

#include "modules/ai/llm/llm.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tc::ai::tools {

inline constexpr std::size_t kMaxFramedDataBytes = 16u << 10;

// <<<UNTRUSTED_DATA source="<label>">>>
// …data with delimiter look-alikes defused…
// <<<END_UNTRUSTED_DATA>>>
// `label` (a tool name or URL) is sanitised to [A-Za-z0-9 ._:/?=&#%+-], ≤ 200 bytes.
// Data longer than `max_bytes` is cut on a UTF-8 boundary and ends with
// "[… truncated N bytes]".
std::string frame_untrusted(std::string_view label, std::string_view data, std::size_t max_bytes = kMaxFramedDataBytes);

// Defuses delimiter look-alikes in `data`: "<<<", ">>>" runs (and their full-width
// or zero-width-joined disguises) and chat-template role markers such as
// "<|im_start|>", "[INST]", "</s>". Exposed for tests and for text shown to the model
// outside a block (e.g. a page title in a citation list).
std::string neutralise_delimiters(std::string_view data);

// The paragraph for the system prompt that tells the model how to treat the blocks.
std::string untrusted_data_rules();

// The names of `calls` that are not in `allowed` (each name once, in call order).
std::vector<std::string> tools_outside_allow_list(const std::vector<llm::ToolCall>& calls,
                                                  const std::vector<std::string>& allowed);

// Tool names that a plain-text answer tries to invoke in a tool-call syntax some
// local models emit instead of a structured call ({"name": "x", "arguments": …},
// <tool_call>…</tool_call>, <function=x>, x(…) after "call"), filtered to those not
// in `allowed`. The assistant never executes text calls; this lets it log and flag
// an answer that tried.
std::vector<std::string> text_tool_requests_outside(std::string_view text, const std::vector<std::string>& allowed);

}  // namespace tc::ai::tools
