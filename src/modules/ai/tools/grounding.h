// Grounded numbers: which numbers of a model's reply cannot be traced to a source
// (tool results as JSON text, the user's message, earlier turns). The assistant marks
// those in the stored message so the clients can show them. The rules (what counts
// as a number, what is exempt, how rounding is tolerated) are in docs/ai.md,
// "Grounded numbers".
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tc::ai::tools {

struct NumberMark {
  std::size_t start = 0, end = 0;  // byte offsets in the reply, [start, end)
  std::string text;                // reply.substr(start, end - start)
};

// A number as found in a text: its span, its value, and how many decimals it was
// written with (the precision the grounding check tolerates rounding to).
struct FoundNumber {
  std::size_t start = 0, end = 0;
  double value = 0;
  int decimals = 0;         // digits after the decimal point as written
  bool structural = false;  // exempt from grounding (list markers, citation markers, …)
};

// Every number in `text`, in order (ranges like "10-12" give two numbers).
std::vector<FoundNumber> extract_numbers(const std::string& text);

// Numbers of `reply` that match no number of any source after normalisation
// (1,234.50 == 1234.5; 12% == 12; $5 == 5; a sign is part of the value but a
// source's -3 also grounds a reply's 3 written as "down 3"), where a source value
// grounds a reply number when it rounds to it at the reply's precision.
std::vector<NumberMark> ungrounded_numbers(const std::string& reply, const std::vector<std::string>& sources);

}  // namespace tc::ai::tools
