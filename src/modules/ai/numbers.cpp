#include "modules/ai/numbers.h"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include <cmath>

namespace tc::ai {

namespace json = boost::json;

namespace {
double round_to(double x, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(x * f) / f;
}
}  // namespace

double rounded(double x) {
  if (!std::isfinite(x)) return 0;
  const double a = std::fabs(x);
  return round_to(x, a >= 100 ? 2 : a >= 1 ? 4 : 6);
}

double rounded2(double x) { return std::isfinite(x) ? round_to(x, 2) : 0; }

std::string num(double x) {
  if (!std::isfinite(x)) return "0";
  if (x == std::floor(x) && std::fabs(x) < 1e15) return fmt::format("{}", static_cast<long long>(x));
  // Shortest round-trip form; fixed notation for the magnitudes prices have.
  auto s = fmt::format("{}", x);
  if (s.find_first_of("eE") != std::string::npos) s = fmt::format("{:.6f}", x);
  return s;
}

namespace {
void append(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_: out += num(v.get_double()); break;
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, val] : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::value(json::string(k)));
        out += ':';
        append(out, val);
      }
      out += '}';
      break;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& val : v.get_array()) {
        if (!first) out += ',';
        first = false;
        append(out, val);
      }
      out += ']';
      break;
    }
    default: out += json::serialize(v);
  }
}
}  // namespace

std::string data_text(const json::value& v) {
  std::string out;
  append(out, v);
  return out;
}

}  // namespace tc::ai
