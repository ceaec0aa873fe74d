// ai.* configuration: [[ai.providers]] tables in TOML, the JSON form in
// TRADECHAT_AI_PROVIDERS, chains per mode, and one-line errors naming the key.
#include "modules/ai/llm/llm_config.h"
#include "core/config.h"
#include "modules/ai/llm/llm.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tc::ai::llm {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("tc_llm_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << text;
  return path.string();
}

Config load(const std::string& file, const std::map<std::string, std::string>& env = {}) {
  auto schema = core_config_schema();
  add_config_keys(schema);
  return Config::load(schema, file, env, {});
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

class LlmConfig : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("TC_LLM_TEST_KEY", "sk-config-test-9999", 1); }
  void TearDown() override { ::unsetenv("TC_LLM_TEST_KEY"); }
};

TEST_F(LlmConfig, ProvidersAsTomlTablesWithModelsAndChains) {
  auto key_file = write_temp("key.txt", "sk-ant-from-file-7777\n");
  auto file = write_temp("ok.toml", R"(
[[ai.providers]]
name = "local"
kind = "openai"
base_url = "http://127.0.0.1:11434/v1/"
models = ["llama3.2:3b", { name = "qwen2.5:7b", context_window = 32768 }]

[[ai.providers]]
name = "claude"
kind = "anthropic"
base_url = "https://api.anthropic.com"
api_key_file = ")" + key_file + R"("
models = [{ name = "claude-sonnet-4-5", context_window = 200000, input_price = 3, output_price = 15.0 }]

[ai.chains]
fast = ["local/llama3.2:3b", "claude"]
deep_thinking = ["claude/claude-sonnet-4-5", "local/qwen2.5:7b"]
)");
  auto config = load(file);
  auto s = load_router_settings(config);
  ASSERT_EQ(s.endpoints.size(), 2u);
  EXPECT_EQ(s.endpoints[0].base_url, "http://127.0.0.1:11434/v1");
  EXPECT_EQ(s.endpoints[0].api_key, "");
  EXPECT_EQ(s.endpoints[0].models[1].context_window, 32768);
  EXPECT_EQ(s.endpoints[1].kind, ProviderKind::anthropic);
  EXPECT_EQ(s.endpoints[1].api_key, "sk-ant-from-file-7777");
  EXPECT_DOUBLE_EQ(s.endpoints[1].models[0].output_price, 15.0);
  ASSERT_EQ(s.chains.at("fast").size(), 2u);
  EXPECT_EQ(s.chains.at("fast")[1].endpoint, 1u);
  EXPECT_EQ(s.chains.at("deep_thinking")[1].model, 1u);
  EXPECT_EQ(s.chains.at("default").size(), 2u);  // every provider's first model
  EXPECT_TRUE(make_router(config)->configured());
  // config check shows where keys come from, never a key
  const auto shown = config.render_effective();
  EXPECT_EQ(shown.find("sk-ant-from-file"), std::string::npos) << shown;
  EXPECT_NE(shown.find("ai.providers = "), std::string::npos);
}

TEST_F(LlmConfig, JsonInTheEnvironmentAndKeysFromNamedVariables) {
  const std::string json =
      R"([{"name":"oa","kind":"openai","base_url":"https://api.openai.com/v1","api_key_env":"TC_LLM_TEST_KEY",)"
      R"("models":[{"name":"gpt-4o-mini","input_price":0.15,"output_price":0.6}]}])";
  auto config = load("", {{"TRADECHAT_AI_PROVIDERS", json}, {"TRADECHAT_AI_CHAINS_FAST", "oa/gpt-4o-mini"}});
  auto s = load_router_settings(config);
  ASSERT_EQ(s.endpoints.size(), 1u);
  EXPECT_EQ(s.endpoints[0].api_key, "sk-config-test-9999");
  EXPECT_EQ(s.endpoints[0].api_key_source, "env TC_LLM_TEST_KEY");
  EXPECT_EQ(s.chains.at("fast").size(), 1u);
  EXPECT_EQ(config.render_effective().find("sk-config-test"), std::string::npos);
}

TEST_F(LlmConfig, EmptyMeansTheOfflineEngine) {
  auto config = load("");
  EXPECT_TRUE(load_router_settings(config).endpoints.empty());
  EXPECT_FALSE(make_router(config)->configured());
}

TEST_F(LlmConfig, ErrorsAreOneLineNamingTheKey) {
  auto err = [](const std::string& providers, const std::map<std::string, std::string>& more = {}) {
    auto env = more;
    env["TRADECHAT_AI_PROVIDERS"] = providers;
    return error_of([&] { load("", env); });
  };
  const std::string ok_tail = R"("base_url":"http://127.0.0.1:1/v1","models":["m"])";
  EXPECT_EQ(err(R"([{"name":"x","kind":"gpt",)" + ok_tail + "}]"),
            "config: ai.providers[0].kind = \"gpt\" is invalid: expected openai (Chat Completions: OpenAI, Ollama, "
            "llama.cpp, vLLM, LM Studio) or anthropic (Messages API)");
  EXPECT_NE(err(R"([{"name":"x","kind":"openai","api_key":"sk-inline-0000",)" + ok_tail + "}]")
                .find("ai.providers[0].api_key = (secret) is invalid: keys are not written in the configuration"),
            std::string::npos);
  EXPECT_EQ(err(R"([{"name":"x","kind":"openai","api_key":"sk-inline-0000",)" + ok_tail + "}]").find("sk-inline"),
            std::string::npos);
  EXPECT_NE(err(R"([{"name":"x","kind":"openai","colour":1,)" + ok_tail + "}]").find("ai.providers[0].colour"),
            std::string::npos);
  EXPECT_NE(
      err(R"([{"name":"x","kind":"openai","api_key_env":"TC_LLM_NOT_SET",)" + ok_tail + "}]")
          .find("ai.providers[0].api_key_env = \"TC_LLM_NOT_SET\" is invalid: that environment variable is not set"),
      std::string::npos);
  EXPECT_NE(err(R"([{"name":"x","kind":"openai","base_url":"ftp://h","models":["m"]}])")
                .find("ai.providers[0].base_url = \"ftp://h\""),
            std::string::npos);
  EXPECT_NE(err(R"([{"name":"x","kind":"openai","base_url":"http://h","models":[]}])").find("ai.providers[0].models"),
            std::string::npos);
  EXPECT_NE(err(R"([{"name":"x","kind":"openai","base_url":"http://h","models":[{"name":"m","input_price":-1}]}])")
                .find("ai.providers[0].models[0].input_price = -1"),
            std::string::npos);
  EXPECT_NE(err(R"([{"name":"Bad Name","kind":"openai",)" + ok_tail + "}]").find("ai.providers[0].name"),
            std::string::npos);
  EXPECT_NE(err(R"([{"name":"x","kind":"openai",)" + ok_tail + R"(},{"name":"x","kind":"openai",)" + ok_tail + "}]")
                .find("ai.providers[1].name = \"x\" is invalid: used twice"),
            std::string::npos);
  EXPECT_NE(err("{not json").find("ai.providers"), std::string::npos);
  EXPECT_NE(err(R"([{"name":"x","kind":"openai",)" + ok_tail + "}]", {{"TRADECHAT_AI_CHAINS_FAST", "y/m"}})
                .find("ai.chains.fast = \"y/m\" is invalid"),
            std::string::npos);
  EXPECT_NE(err(R"([{"name":"x","kind":"openai",)" + ok_tail + "}]", {{"TRADECHAT_AI_CHAINS_FAST", "x/other"}})
                .find("provider x lists no model other"),
            std::string::npos);
  for (const auto& e : {err(R"([{"name":"x","kind":"gpt",)" + ok_tail + "}]"), err("{not json")}) {
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
}

TEST_F(LlmConfig, TomlErrorsNameTheKeyToo) {
  auto file = write_temp("bad.toml", "[[ai.providers]]\nname = \"x\"\nkind = \"openai\"\nmodels = [\"m\"]\n");
  EXPECT_EQ(error_of([&] { load(file); }), "config: ai.providers[0].base_url = (missing) is invalid: required");
}

}  // namespace
}  // namespace tc::ai::llm
