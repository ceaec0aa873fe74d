// Writes a Response as HTTP/1.1 bytes in one buffer: the status line, the headers
// (values stripped of CR/LF so no handler can split a response), Date,
// Content-Length and Connection, then the body. One buffer means one write.
#pragma once

#include "net/http.h"

#include <string>

namespace tc::http {

std::string serialize_response(Response&& res, unsigned version, bool keep_alive, bool head);
// The current time as an IMF-fixdate, recomputed at most once a second per thread.
const std::string& http_date_now();

}  // namespace tc::http
