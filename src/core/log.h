// Structured JSON logs: one object per line on stderr,
// {"ts":"…Z","level":"info","msg":"…", <fields>}.
#pragma once

#include <boost/json/object.hpp>

#include <string_view>

namespace tc::log {

enum class Level { debug, info, warn, error };

// Sets the minimum level; `name` is one of debug, info, warn, error.
void set_level(std::string_view name);
bool enabled(Level level);
void write(Level level, std::string_view msg, const boost::json::object& fields = {});

inline void debug(std::string_view msg, const boost::json::object& fields = {}) { write(Level::debug, msg, fields); }
inline void info(std::string_view msg, const boost::json::object& fields = {}) { write(Level::info, msg, fields); }
inline void warn(std::string_view msg, const boost::json::object& fields = {}) { write(Level::warn, msg, fields); }
inline void error(std::string_view msg, const boost::json::object& fields = {}) { write(Level::error, msg, fields); }

}  // namespace tc::log
