#include "app/module_manager.h"
#include "app/tests/test_context.h"

#include <gtest/gtest.h>

namespace tc::app {
namespace {

struct Journal {
  std::vector<std::string> events;
};

class Recording final : public Module {
 public:
  Recording(std::string name, Journal* j, bool fail) : name_(std::move(name)), journal_(j), fail_(fail) {}
  void start(ModuleContext&) override {
    if (fail_) throw std::runtime_error(name_ + " cannot start");
    journal_->events.push_back("start " + name_);
  }
  void stop() noexcept override { journal_->events.push_back("stop " + name_); }

 private:
  std::string name_;
  Journal* journal_;
  bool fail_;
};

ModuleSpec spec(const std::string& name, std::vector<std::string> deps, Journal* j, bool fail = false) {
  return {name, name + " module", std::move(deps), [=] { return std::make_unique<Recording>(name, j, fail); }};
}

using Harness = testing::TestContext;

TEST(ModuleManager, StartsDependenciesFirstAndStopsInReverse) {
  Journal j;
  ModuleManager m;
  m.add(spec("gateway", {"auth"}, &j));
  m.add(spec("chat", {"auth", "realtime"}, &j));
  m.add(spec("realtime", {"auth"}, &j));
  m.add(spec("auth", {}, &j));
  auto order = m.resolve({"chat"});
  EXPECT_EQ(order, (std::vector<std::string>{"auth", "realtime", "chat"}));
  Harness h;
  m.start(order, h.ctx);
  m.stop();
  EXPECT_EQ(j.events, (std::vector<std::string>{"start auth", "start realtime", "start chat", "stop chat",
                                                "stop realtime", "stop auth"}));
}

TEST(ModuleManager, AllRunsEveryModuleOnce) {
  Journal j;
  ModuleManager m;
  m.add(spec("a", {}, &j));
  m.add(spec("b", {"a"}, &j));
  EXPECT_EQ(m.resolve({"all"}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(m.resolve({"b", "a", "all"}), (std::vector<std::string>{"a", "b"}));
}

TEST(ModuleManager, UnknownTargetListsKnownModules) {
  Journal j;
  ModuleManager m;
  m.add(spec("gateway", {}, &j));
  m.add(spec("chat", {}, &j));
  try {
    m.resolve({"chatt"});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("\"chatt\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("all, gateway, chat"), std::string::npos) << msg;
  }
}

TEST(ModuleManager, DetectsCycles) {
  Journal j;
  ModuleManager m;
  m.add(spec("a", {"b"}, &j));
  m.add(spec("b", {"a"}, &j));
  EXPECT_THROW(m.resolve({"a"}), std::logic_error);
  EXPECT_THROW(m.add(spec("a", {}, &j)), std::logic_error);
}

TEST(ModuleManager, FailedStartStopsWhatStarted) {
  Journal j;
  ModuleManager m;
  m.add(spec("a", {}, &j));
  m.add(spec("b", {"a"}, &j, /*fail=*/true));
  Harness h;
  EXPECT_THROW(m.start(m.resolve({"b"}), h.ctx), std::runtime_error);
  EXPECT_EQ(j.events, (std::vector<std::string>{"start a", "stop a"}));
  EXPECT_TRUE(m.running().empty());
}

}  // namespace
}  // namespace tc::app
