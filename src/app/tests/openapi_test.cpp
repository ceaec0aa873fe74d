// Every REST route of every module must be in /api/openapi.json with a summary,
// a tag and its responses; this test fails when a route is added without them.
#include "app/openapi.h"
#include "app/core_routes.h"
#include "app/module_manager.h"
#include "app/modules.h"
#include "app/tests/test_context.h"

#include <gtest/gtest.h>

namespace tc::app {
namespace {

TEST(OpenApi, DescribesEveryRouteOfEveryModule) {
  testing::TestContext t;
  Readiness readiness;
  ModuleManager manager;
  register_modules(manager);
  infra::store::migrate(*t.store, all_migrations(manager));
  manager.start(manager.resolve({"all"}), t.ctx);
  add_core_routes(t.router, t.metrics, readiness, std::make_shared<std::string>(), manager.running());
  auto doc = build_openapi(t.router, "test");
  manager.stop();

  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  const auto& paths = doc.at("paths").as_object();
  std::size_t documented = 0;
  for (const auto& route : t.router.routes()) {
    if (route.options.internal) continue;
    ++documented;
    std::string method(route.method.size(), ' ');
    std::transform(route.method.begin(), route.method.end(), method.begin(), ::tolower);
    ASSERT_TRUE(paths.contains(route.pattern)) << route.pattern << " is missing from the OpenAPI document";
    const auto& item = paths.at(route.pattern).as_object();
    ASSERT_TRUE(item.contains(method)) << route.method << " " << route.pattern << " is missing";
    const auto& op = item.at(method).as_object();
    EXPECT_FALSE(op.at("summary").as_string().empty()) << route.method << " " << route.pattern << " has no summary";
    EXPECT_TRUE(op.contains("tags")) << route.method << " " << route.pattern << " has no tag";
    EXPECT_GE(op.at("responses").as_object().size(), 2u) << route.pattern;
    if (route.pattern.find('{') != std::string::npos) {
      EXPECT_TRUE(op.contains("parameters")) << route.pattern << " does not document its path parameters";
    }
    if (route.method == "POST" || route.method == "PUT" || route.method == "PATCH") {
      EXPECT_TRUE(op.contains("requestBody")) << route.method << " " << route.pattern << " has no request schema";
    }
  }
  EXPECT_GE(documented, 5u);
}

}  // namespace
}  // namespace tc::app
