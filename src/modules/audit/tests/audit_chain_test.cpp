#include "app/tests/test_context.h"
#include "modules/audit/tests/audit_chain_conformance.h"

namespace tc::audit::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, AuditChainConformance, ::testing::Values(StoreFactory(app::testing::temp_store)),
                         [](const auto&) { return std::string("engine"); });

TEST(AuditChain, MacsBindEveryFieldAndTheKey) {
  AuditChain a(std::string(32, 'a'));
  AuditChain b(std::string(32, 'b'));
  auto base = a.entry_mac(1, 2, "x", "y", "z", "ip", "{}", "genesis");
  EXPECT_EQ(base, a.entry_mac(1, 2, "x", "y", "z", "ip", "{}", "genesis"));
  EXPECT_NE(base, b.entry_mac(1, 2, "x", "y", "z", "ip", "{}", "genesis"));
  // Field boundaries cannot shift: "xy" + "" is not "x" + "y".
  EXPECT_NE(a.entry_mac(1, 2, "xy", "", "z", "ip", "{}", "g"), a.entry_mac(1, 2, "x", "y", "z", "ip", "{}", "g"));
}

}  // namespace
}  // namespace tc::audit::testing
