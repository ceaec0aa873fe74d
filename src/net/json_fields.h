// Strict reading of JSON request bodies: the body must be an object, unknown
// fields are refused (never silently ignored or assigned), and every field is
// type- and length-checked, with a 422 naming the field and what is allowed.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace tc::http {

class JsonFields {
 public:
  // Takes the parsed body by value: it keeps what it reads.
  JsonFields(boost::json::value body, std::initializer_list<std::string_view> allowed);

  std::string required_string(std::string_view name, std::size_t min_len, std::size_t max_len) const;
  std::optional<std::string> optional_string(std::string_view name, std::size_t min_len, std::size_t max_len) const;
  std::optional<bool> optional_bool(std::string_view name) const;

 private:
  boost::json::value body_;
  const boost::json::object& object_;
};

}  // namespace tc::http
