#include "modules/alerts/rule_parser.h"

#include "core/errors.h"
#include "modules/market/indicators/registry.h"

#include <boost/json/object.hpp>

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace tc::alerts {
namespace {

namespace json = boost::json;

[[noreturn]] void fail_at(std::size_t position, const std::string& reason) {
  throw Error(422, "invalid-expression", "Invalid alert expression",
              "at position " + std::to_string(position) + ": " + reason)
      .with("position", static_cast<std::int64_t>(position))
      .with("reason", boost::json::string(reason));
}

[[noreturn]] void fail_json(const std::string& pointer, const std::string& reason) {
  throw Error(422, "invalid-condition", "Invalid alert condition", pointer + ": " + reason)
      .with("pointer", boost::json::string(pointer))
      .with("reason", boost::json::string(reason));
}

std::string format_number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::string format_duration(std::int64_t ms) {
  if (ms % 86'400'000 == 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  return std::to_string(ms / 1000) + "s";
}

// "30s", "5m", "1h", "1d" → milliseconds; nullopt when malformed.
std::optional<std::int64_t> parse_duration(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, n);
  if (ec != std::errc() || end != s.data() + s.size() - 1 || n <= 0 || n > 100'000) return std::nullopt;
  switch (s.back()) {
    case 's': return n * 1000;
    case 'm': return n * 60'000;
    case 'h': return n * 3'600'000;
    case 'd': return n * 86'400'000;
    default: return std::nullopt;
  }
}

// Fills the canonical key and checks the indicator's parameters against the registry.
// `fail(i, reason)` reports a problem with parameter i (or -1: the whole value).
template <class Fail>
void finish_indicator(ValueRef& v, std::string_view output, Fail fail) {
  const auto* spec = market::ind::find_indicator(v.indicator);
  if (!spec) fail(-1, "unknown indicator '" + v.indicator + "' (known: " + market::ind::indicator_names() + ")");
  if (v.params.size() > spec->params.size()) {
    fail(static_cast<int>(spec->params.size()),
         v.indicator + " takes at most " + std::to_string(spec->params.size()) + " parameters before the timeframe");
  }
  for (std::size_t i = 0; i < spec->params.size(); ++i) {
    const auto& p = spec->params[i];
    if (i >= v.params.size()) {
      v.params.push_back(p.default_value);
      continue;
    }
    const double x = v.params[i];
    if (!(x >= p.min && x <= p.max) || (p.integer && x != std::floor(x))) {
      fail(static_cast<int>(i), p.name + " of " + v.indicator + " must be " + (p.integer ? "an integer " : "") +
                                    "from " + format_number(p.min) + " to " + format_number(p.max));
    }
  }
  if (spec->check) {
    if (auto why = spec->check(v.params)) fail(-1, *why);
  }
  v.output = 0;
  if (!output.empty()) {
    bool found = false;
    for (std::size_t i = 0; i < spec->outputs.size(); ++i) {
      if (spec->outputs[i] == output) {
        v.output = i;
        found = true;
      }
    }
    if (!found) {
      std::string names;
      for (const auto& o : spec->outputs) names += (names.empty() ? "" : ", ") + o;
      fail(-2, v.indicator + " has no output '" + std::string(output) + "' (outputs: " + names + ")");
    }
  }
  std::string key = v.indicator + "(";
  for (double p : v.params) key += format_number(p) + ",";
  key += std::string(market::name(v.timeframe)) + ")." + spec->outputs[v.output];
  v.key = std::move(key);
}

void finish_simple(ValueRef& v) {
  switch (v.kind) {
    case ValueKind::number: v.key = format_number(v.number); break;
    case ValueKind::price: v.key = "price"; break;
    case ValueKind::change_pct: v.key = "change(" + format_duration(v.window_ms) + ")"; break;
    case ValueKind::volume_ratio:
      v.key = "volume_ratio(" + format_number(v.params.at(0)) + "," + std::string(market::name(v.timeframe)) + ")";
      break;
    case ValueKind::indicator: break;
  }
}

std::optional<CompareOp> parse_op(std::string_view s) {
  if (s == "crosses_above") return CompareOp::crosses_above;
  if (s == "crosses_below") return CompareOp::crosses_below;
  if (s == ">") return CompareOp::gt;
  if (s == "<") return CompareOp::lt;
  if (s == ">=") return CompareOp::ge;
  if (s == "<=") return CompareOp::le;
  return std::nullopt;
}

// ---- the expression form ----

enum class Tok : std::uint8_t { ident, number, quantity, lparen, rparen, comma, dot, op, end };

struct Token {
  Tok kind = Tok::end;
  std::string_view text;
  std::size_t pos = 0;
  double number = 0;
};

std::string describe(const Token& t) {
  if (t.kind == Tok::end) return "the end of the expression";
  return "'" + std::string(t.text) + "'";
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Token next() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    Token t;
    t.pos = i_;
    if (i_ >= s_.size()) return t;
    const char c = s_[i_];
    const auto single = [&](Tok k) {
      t.kind = k;
      t.text = s_.substr(i_++, 1);
      return t;
    };
    if (c == '(') return single(Tok::lparen);
    if (c == ')') return single(Tok::rparen);
    if (c == ',') return single(Tok::comma);
    if (c == '.' && !(i_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
      return single(Tok::dot);
    }
    if (c == '<' || c == '>') {
      t.kind = Tok::op;
      const std::size_t len = (i_ + 1 < s_.size() && s_[i_ + 1] == '=') ? 2 : 1;
      t.text = s_.substr(i_, len);
      i_ += len;
      return t;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i_;
      while (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_')) ++j;
      t.kind = Tok::ident;
      t.text = s_.substr(i_, j - i_);
      i_ = j;
      return t;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.') {
      std::size_t j = i_ + 1;
      while (j < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[j])) || s_[j] == '.')) ++j;
      // An exponent only when digits follow ("1e3"); "1d" is a duration.
      if (j + 1 < s_.size() && (s_[j] == 'e' || s_[j] == 'E') &&
          (std::isdigit(static_cast<unsigned char>(s_[j + 1])) ||
           ((s_[j + 1] == '-' || s_[j + 1] == '+') && j + 2 < s_.size() &&
            std::isdigit(static_cast<unsigned char>(s_[j + 2]))))) {
        j += 2;
        while (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) ++j;
      }
      const std::size_t number_end = j;
      while (j < s_.size() && std::isalpha(static_cast<unsigned char>(s_[j]))) ++j;
      t.text = s_.substr(i_, j - i_);
      if (j > number_end) {
        t.kind = Tok::quantity;
      } else {
        t.kind = Tok::number;
        auto [end, ec] = std::from_chars(s_.data() + i_, s_.data() + j, t.number);
        if (ec != std::errc() || end != s_.data() + j || !std::isfinite(t.number)) {
          fail_at(i_, "'" + std::string(t.text) + "' is not a number");
        }
      }
      i_ = j;
      return t;
    }
    fail_at(i_, std::string("unexpected character '") + c + "'");
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view s) : lexer_(s) { advance(); }

  Condition parse() {
    Condition c;
    c.root = expr(0);
    if (cur_.kind != Tok::end) fail_at(cur_.pos, "expected 'and', 'or' or the end, found " + describe(cur_));
    c.leaves = leaves_;
    c.text = to_text(c.root);
    return c;
  }

 private:
  void advance() { cur_ = lexer_.next(); }
  bool is_word(std::string_view w) const { return cur_.kind == Tok::ident && cur_.text == w; }
  void expect(Tok kind, const char* what) {
    if (cur_.kind != kind) fail_at(cur_.pos, std::string("expected ") + what + ", found " + describe(cur_));
    advance();
  }

  Node join(Node::Kind kind, std::vector<Node> parts) {
    if (parts.size() == 1) return std::move(parts.front());
    Node n;
    n.kind = kind;
    n.children = std::move(parts);
    return n;
  }

  Node expr(std::size_t depth) {
    if (depth > kMaxDepth) fail_at(cur_.pos, "parentheses nest deeper than " + std::to_string(kMaxDepth));
    std::vector<Node> parts{and_expr(depth)};
    while (is_word("or")) {
      advance();
      parts.push_back(and_expr(depth));
    }
    return join(Node::Kind::any, std::move(parts));
  }

  Node and_expr(std::size_t depth) {
    std::vector<Node> parts{primary(depth)};
    while (is_word("and")) {
      advance();
      parts.push_back(primary(depth));
    }
    return join(Node::Kind::all, std::move(parts));
  }

  Node primary(std::size_t depth) {
    if (cur_.kind == Tok::lparen) {
      advance();
      Node inner = expr(depth + 1);
      expect(Tok::rparen, "')'");
      return inner;
    }
    Node n;
    n.kind = Node::Kind::compare;
    n.left = value();
    const Token op_tok = cur_;
    auto op = (cur_.kind == Tok::op || cur_.kind == Tok::ident) ? parse_op(cur_.text) : std::nullopt;
    if (!op) {
      fail_at(op_tok.pos, "expected crosses_above, crosses_below, >, <, >= or <=, found " + describe(op_tok));
    }
    advance();
    n.op = *op;
    n.right = value();
    if (n.left.kind == ValueKind::number && n.right.kind == ValueKind::number) {
      fail_at(op_tok.pos, "a comparison needs at least one side that is not a constant");
    }
    if (leaves_ >= kMaxComparisons) {
      fail_at(op_tok.pos, "at most " + std::to_string(kMaxComparisons) + " comparisons per rule");
    }
    n.leaf = leaves_++;
    return n;
  }

  market::Timeframe timeframe_arg() {
    auto tf = cur_.kind == Tok::quantity ? market::parse_timeframe(cur_.text) : std::nullopt;
    if (!tf) {
      fail_at(cur_.pos, "expected a timeframe (" + std::string(market::kTimeframeList) + "), found " + describe(cur_));
    }
    advance();
    return *tf;
  }

  ValueRef value() {
    ValueRef v;
    const Token start = cur_;
    if (cur_.kind == Tok::number) {
      v.number = cur_.number;
      advance();
      finish_simple(v);
      return v;
    }
    if (cur_.kind != Tok::ident || parse_op(cur_.text) || is_word("and") || is_word("or")) {
      fail_at(cur_.pos,
              "expected a number, price, change(…), volume_ratio(…) or an indicator, found " + describe(cur_));
    }
    const std::string name(cur_.text);
    advance();
    if (name == "price") {
      v.kind = ValueKind::price;
      finish_simple(v);
      return v;
    }
    if (cur_.kind != Tok::lparen) fail_at(cur_.pos, "expected '(' after " + name + ", found " + describe(cur_));
    advance();
    if (name == "change") {
      v.kind = ValueKind::change_pct;
      auto ms = cur_.kind == Tok::quantity ? parse_duration(cur_.text) : std::nullopt;
      if (!ms || *ms > kMaxChangeWindowMs || *ms < 1000) {
        fail_at(cur_.pos, "expected a window from 1s to 1d such as 30s, 5m, 1h, found " + describe(cur_));
      }
      v.window_ms = *ms;
      advance();
      expect(Tok::rparen, "')'");
      finish_simple(v);
      return v;
    }
    if (name == "volume_ratio") {
      v.kind = ValueKind::volume_ratio;
      if (cur_.kind != Tok::number || cur_.number != std::floor(cur_.number) || cur_.number < 2 || cur_.number > 200) {
        fail_at(cur_.pos, "expected the number of bars to average, an integer from 2 to 200, found " + describe(cur_));
      }
      v.params.push_back(cur_.number);
      advance();
      expect(Tok::comma, "','");
      v.timeframe = timeframe_arg();
      expect(Tok::rparen, "')'");
      finish_simple(v);
      return v;
    }
    v.kind = ValueKind::indicator;
    v.indicator = name;
    std::vector<std::size_t> param_pos;
    while (cur_.kind == Tok::number) {
      param_pos.push_back(cur_.pos);
      v.params.push_back(cur_.number);
      advance();
      expect(Tok::comma, "',' and more parameters or the timeframe");
    }
    const std::size_t close_pos = cur_.pos;
    v.timeframe = timeframe_arg();
    expect(Tok::rparen, "')'");
    std::string_view output;
    std::size_t output_pos = cur_.pos;
    if (cur_.kind == Tok::dot) {
      advance();
      output_pos = cur_.pos;
      if (cur_.kind != Tok::ident) fail_at(cur_.pos, "expected an output name after '.', found " + describe(cur_));
      output = cur_.text;
      advance();
    }
    auto fail = [&](int i, const std::string& reason) {
      if (i == -2) fail_at(output_pos, reason);
      if (i >= 0 && static_cast<std::size_t>(i) < param_pos.size())
        fail_at(param_pos[static_cast<std::size_t>(i)], reason);
      fail_at(i >= 0 ? close_pos : start.pos, reason);
    };
    finish_indicator(v, output, fail);
    return v;
  }

  Lexer lexer_;
  Token cur_;
  std::size_t leaves_ = 0;
};

// ---- the JSON form ----

class JsonConditionParser {
 public:
  Condition parse(const json::value& v) {
    Condition c;
    c.root = node(v, "", 0);
    c.leaves = leaves_;
    c.text = to_text(c.root);
    return c;
  }

 private:
  static void only(const json::object& o, std::initializer_list<std::string_view> allowed, const std::string& at) {
    for (const auto& kv : o) {
      bool ok = false;
      for (auto a : allowed) ok = ok || kv.key() == a;
      if (!ok) fail_json(at + "/" + std::string(kv.key()), "unknown field");
    }
  }

  Node node(const json::value& v, const std::string& at, std::size_t depth) {
    if (depth > kMaxDepth) fail_json(at, "nests deeper than " + std::to_string(kMaxDepth));
    if (!v.is_object()) fail_json(at, "expected an object with all, any, or left/op/right");
    const auto& o = v.get_object();
    for (const char* group : {"all", "any"}) {
      if (!o.contains(group)) continue;
      only(o, {group}, at);
      const auto* arr = o.at(group).if_array();
      if (!arr || arr->empty()) fail_json(at + "/" + group, "expected a non-empty array");
      Node n;
      n.kind = std::string_view(group) == "all" ? Node::Kind::all : Node::Kind::any;
      for (std::size_t i = 0; i < arr->size(); ++i) {
        n.children.push_back(node((*arr)[i], at + "/" + group + "/" + std::to_string(i), depth + 1));
      }
      return n;
    }
    only(o, {"left", "op", "right"}, at);
    for (const char* k : {"left", "op", "right"}) {
      if (!o.contains(k)) fail_json(at + "/" + k, "missing");
    }
    Node n;
    n.kind = Node::Kind::compare;
    const auto* op_text = o.at("op").if_string();
    auto op = op_text ? parse_op(*op_text) : std::nullopt;
    if (!op) fail_json(at + "/op", "expected crosses_above, crosses_below, >, <, >= or <=");
    n.op = *op;
    n.left = value(o.at("left"), at + "/left");
    n.right = value(o.at("right"), at + "/right");
    if (n.left.kind == ValueKind::number && n.right.kind == ValueKind::number) {
      fail_json(at, "a comparison needs at least one side that is not a constant");
    }
    if (leaves_ >= kMaxComparisons) fail_json(at, "at most " + std::to_string(kMaxComparisons) + " comparisons");
    n.leaf = leaves_++;
    return n;
  }

  static market::Timeframe timeframe(const json::object& o, const std::string& at) {
    const auto* s = o.contains("timeframe") ? o.at("timeframe").if_string() : nullptr;
    auto tf = s ? market::parse_timeframe(*s) : std::nullopt;
    if (!tf) fail_json(at + "/timeframe", "expected one of " + std::string(market::kTimeframeList));
    return *tf;
  }

  static ValueRef value(const json::value& j, const std::string& at) {
    ValueRef v;
    if (j.is_number()) {
      v.number = j.to_number<double>();
      if (!std::isfinite(v.number)) fail_json(at, "not a finite number");
      finish_simple(v);
      return v;
    }
    if (j.is_string() && j.get_string() == "price") {
      v.kind = ValueKind::price;
      finish_simple(v);
      return v;
    }
    if (!j.is_object()) fail_json(at, "expected a number, \"price\" or an object");
    const auto& o = j.get_object();
    if (o.contains("change")) {
      only(o, {"change"}, at);
      const auto* s = o.at("change").if_string();
      auto ms = s ? parse_duration(*s) : std::nullopt;
      if (!ms || *ms > kMaxChangeWindowMs || *ms < 1000) fail_json(at + "/change", "expected a window from 1s to 1d");
      v.kind = ValueKind::change_pct;
      v.window_ms = *ms;
      finish_simple(v);
      return v;
    }
    if (o.contains("volume_ratio")) {
      only(o, {"volume_ratio", "timeframe"}, at);
      const auto& n = o.at("volume_ratio");
      const double bars = n.is_number() ? n.to_number<double>() : 0;
      if (bars != std::floor(bars) || bars < 2 || bars > 200) fail_json(at + "/volume_ratio", "expected 2 to 200");
      v.kind = ValueKind::volume_ratio;
      v.params.push_back(bars);
      v.timeframe = timeframe(o, at);
      finish_simple(v);
      return v;
    }
    only(o, {"indicator", "params", "timeframe", "output"}, at);
    const auto* name = o.contains("indicator") ? o.at("indicator").if_string() : nullptr;
    if (!name || name->size() > 32) fail_json(at + "/indicator", "expected an indicator name");
    v.kind = ValueKind::indicator;
    v.indicator = std::string(*name);
    if (o.contains("params")) {
      const auto* arr = o.at("params").if_array();
      if (!arr || arr->size() > 8) fail_json(at + "/params", "expected an array of at most 8 numbers");
      for (std::size_t i = 0; i < arr->size(); ++i) {
        if (!(*arr)[i].is_number()) fail_json(at + "/params/" + std::to_string(i), "expected a number");
        v.params.push_back((*arr)[i].to_number<double>());
      }
    }
    v.timeframe = timeframe(o, at);
    std::string output;
    if (o.contains("output")) {
      const auto* s = o.at("output").if_string();
      if (!s || s->size() > 32) fail_json(at + "/output", "expected an output name");
      output = std::string(*s);
    }
    auto fail = [&at](int i, const std::string& reason) {
      if (i == -2) fail_json(at + "/output", reason);
      if (i >= 0) fail_json(at + "/params/" + std::to_string(i), reason);
      fail_json(at, reason);
    };
    finish_indicator(v, output, fail);
    return v;
  }

  std::size_t leaves_ = 0;
};

}  // namespace

std::string_view op_name(CompareOp op) {
  switch (op) {
    case CompareOp::crosses_above: return "crosses_above";
    case CompareOp::crosses_below: return "crosses_below";
    case CompareOp::gt: return ">";
    case CompareOp::lt: return "<";
    case CompareOp::ge: return ">=";
    case CompareOp::le: return "<=";
  }
  return "?";
}

std::string to_text(const Node& node) {
  if (node.kind == Node::Kind::compare) {
    return node.left.key + " " + std::string(op_name(node.op)) + " " + node.right.key;
  }
  std::string out;
  const char* sep = node.kind == Node::Kind::all ? " and " : " or ";
  for (const auto& c : node.children) {
    if (!out.empty()) out += sep;
    // "and" binds tighter than "or": only an or-group inside an and-group needs parentheses.
    const bool wrap = c.kind == Node::Kind::any && node.kind == Node::Kind::all;
    out += wrap ? "(" + to_text(c) + ")" : to_text(c);
  }
  return out;
}

Condition parse_expression(std::string_view text) {
  if (text.size() > kMaxExpressionBytes) {
    fail_at(kMaxExpressionBytes, "the expression is longer than " + std::to_string(kMaxExpressionBytes) + " bytes");
  }
  return ExpressionParser(text).parse();
}

Condition parse_condition_json(const json::value& v) { return JsonConditionParser().parse(v); }

}  // namespace tc::alerts
