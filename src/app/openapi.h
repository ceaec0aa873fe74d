// Builds the OpenAPI 3.1 document of every REST route from the route table, so
// a route cannot exist without its description (see the test beside it).
#pragma once

#include "net/router.h"

#include <boost/json/object.hpp>

namespace tc::app {

boost::json::object build_openapi(const http::Router& router, const std::string& version);

}  // namespace tc::app
