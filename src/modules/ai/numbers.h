// Numbers as the assistant shows them. Tool results round their values once
// (rounded()), and both the text given to a model or to the grounding check
// (data_text) and the offline engine's sentences (num) print a double the same way
// (the shortest form that reads back exactly, never an exponent), so a number in an
// answer is found verbatim in the tool result it came from.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace tc::ai {

// Prices and indicator values: 2 decimals from 100 up, 4 from 1, 6 below.
double rounded(double x);
// Ratios and percentages: 2 decimals.
double rounded2(double x);
std::string num(double x);
// Compact JSON with doubles printed by num().
std::string data_text(const boost::json::value& v);

}  // namespace tc::ai
