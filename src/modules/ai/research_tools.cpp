// Research tools: web_search (Deep Web Search, through the module's WebResearch:
// ai-tools' research over a SearXNG backend and the SSRF-safe fetcher when the
// operator configured one, else over the platform's own content), math (ai-tools'
// math_eval) and file_analysis (ai-tools' file_analyzer on the user's own uploads,
// on the blocking pool).
#include "core/blocking_pool.h"
#include "core/errors.h"
#include "modules/ai/numbers.h"
#include "modules/ai/tools.h"
#include "modules/ai/tools/file_analyzer.h"
#include "modules/ai/tools/math_eval.h"

#include <boost/json/parse.hpp>

namespace tc::ai {

namespace json = boost::json;

void add_research_tools(ToolRegistry& registry) {
  registry.add(
      Tool{.spec = {"web_search",
                    "Research a question over several sources; returns numbered sources with titles, URLs and passages "
                    "to cite as [n]",
                    json::parse(R"({"type":"object","additionalProperties":false,"required":["query"],
                 "properties":{"query":{"type":"string","minLength":1,"maxLength":300}}})")
                        .as_object()},
           .fields = {"query"},
           .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
             if (!ctx.web_research) throw errors::unavailable("research is not available in this process");
             auto research = ctx.web_research;
             co_return co_await research(args::required_string(a, "query", 300), ctx);
           }});

  registry.add(Tool{
      .spec = {"math",
               "Evaluate an arithmetic expression exactly: + - * / ^ %, parentheses, abs sqrt ln log exp round min "
               "max pow",
               json::parse(R"({"type":"object","additionalProperties":false,"required":["expression"],
                 "properties":{"expression":{"type":"string","minLength":1,"maxLength":512}}})")
                   .as_object()},
      .fields = {"expression"},
      .run = [](json::object a, ToolContext) -> boost::asio::awaitable<json::value> {
        const auto expression = args::required_string(a, "expression", 512);
        const double value = tools::evaluate_expression(expression);
        co_return json::object{{"expression", expression}, {"value", value}, {"text", num(value)}};
      }});

  registry.add(
      Tool{.spec = {"file_analysis",
                    "Analyse a file the user uploaded (CSV: columns, types, statistics; PDF: text and numbers)",
                    json::parse(R"({"type":"object","additionalProperties":false,"required":["file_id"],
                 "properties":{"file_id":{"type":"string","maxLength":64}}})")
                        .as_object()},
           .fields = {"file_id"},
           .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
             // The store answers only the caller's own files (another user's id is a 404).
             auto file = co_await ctx.store->file(ctx.who.user_id, args::required_string(a, "file_id", 64));
             auto analyse = [file] { return tools::analyze_file(file.bytes, file.content_type, file.filename); };
             // (No co_await inside a conditional expression: g++ 12 miscompiles its temporaries.)
             json::object result;
             if (ctx.pool) {
               result = co_await ctx.pool->run(std::move(analyse));
             } else {
               result = analyse();
             }
             result["file_id"] = file.id;
             co_return result;
           }});
}

}  // namespace tc::ai
