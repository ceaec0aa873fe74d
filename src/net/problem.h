// The one error shape at the edge: application/problem+json (RFC 9457).
#pragma once

#include "core/errors.h"
#include "net/http.h"

namespace tc::http {

// {"type","title","status","detail","instance","request_id", …extensions}
Response problem_response(const Error& error, std::string_view instance, std::string_view request_id);

}  // namespace tc::http
