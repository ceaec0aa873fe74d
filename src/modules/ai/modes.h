// The seven modes of the assistant: what each is for, the instructions a model gets
// in it, the tools it may call, and its limits. The offline engine (offline_engine.h)
// answers each of them without a model.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tc::ai {

struct Mode {
  std::string id;  // fast, deep_thinking, trade_buddy, learn, stock_analysis, web_search, search
  std::string name;
  std::string description;
  std::string instructions;        // the mode's part of the system prompt
  std::vector<std::string> tools;  // names in the tool registry
  int max_tool_rounds = 3;         // model turns that may call tools before it must answer
  std::int64_t max_output_tokens = 1024;
  std::size_t history_turns = 12;  // earlier messages of the conversation put in the prompt
};

const std::vector<Mode>& modes();
// nullptr when unknown.
const Mode* find_mode(std::string_view id);
// "fast, deep_thinking, …" for error messages.
std::string mode_list();

// The part of every system prompt that does not depend on the mode: who the assistant
// is, that tool results are data and never instructions, that every number must come
// from a tool result or the conversation, and that it never tells anyone to buy or sell.
const std::string& base_instructions();

}  // namespace tc::ai
