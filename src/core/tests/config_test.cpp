#include "core/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace tc {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("tc_cfg_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << text;
  return path.string();
}

Config load(const std::string& file = {}, const std::map<std::string, std::string>& env = {},
            const std::vector<std::pair<std::string, std::string>>& flags = {}) {
  return Config::load(core_config_schema(), file, env, flags);
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Config, DefaultsMatchTheContract) {
  auto c = load();
  EXPECT_EQ(c.str("http.addr"), "127.0.0.1:8080");
  EXPECT_EQ(c.str("data.dir"), "./data");
  EXPECT_EQ(c.str("database.url"), "");
  EXPECT_EQ(c.str("market.feed"), "simulator");
  EXPECT_EQ(c.list("target"), std::vector<std::string>{"all"});
  EXPECT_EQ(c.size("http.max_body_bytes"), 1024u * 1024u);
  EXPECT_EQ(c.duration("http.idle_timeout").count(), 60000);
}

TEST(Config, FileThenEnvThenFlagsOverride) {
  auto file =
      write_temp("order.toml", "[http]\naddr = \"127.0.0.1:9000\"\nmax_connections = 5\n[data]\ndir = \"/tmp/x\"\n");
  auto c = load(file, {{"TRADECHAT_HTTP_ADDR", "127.0.0.1:9001"}}, {});
  EXPECT_EQ(c.str("http.addr"), "127.0.0.1:9001");
  EXPECT_EQ(c.source("http.addr"), ConfigSource::env);
  EXPECT_EQ(c.integer("http.max_connections"), 5);
  EXPECT_EQ(c.str("data.dir"), "/tmp/x");
  auto c2 = load(file, {{"TRADECHAT_HTTP_ADDR", "127.0.0.1:9001"}}, {{"http.addr", "127.0.0.1:9002"}});
  EXPECT_EQ(c2.str("http.addr"), "127.0.0.1:9002");
  EXPECT_EQ(c2.source("http.addr"), ConfigSource::flag);
}

TEST(Config, BadValueNamesKeyValueAndWhatIsAllowed) {
  auto msg = error_of([] { load({}, {{"TRADECHAT_HTTP_ADDR", "nonsense"}}); });
  EXPECT_NE(msg.find("http.addr"), std::string::npos) << msg;
  EXPECT_NE(msg.find("nonsense"), std::string::npos) << msg;
  EXPECT_NE(msg.find("host:port"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;

  msg = error_of([] { load({}, {{"TRADECHAT_MARKET_FEED", "carrier-pigeon"}}); });
  EXPECT_NE(msg.find("simulator"), std::string::npos) << msg;
  msg = error_of([] { load({}, {{"TRADECHAT_HTTP_MAX_CONNECTIONS", "-3"}}); });
  EXPECT_NE(msg.find("between 1 and"), std::string::npos) << msg;
  msg = error_of([] { load({}, {{"TRADECHAT_HTTP_IDLE_TIMEOUT", "10 parsecs"}}); });
  EXPECT_NE(msg.find("duration"), std::string::npos) << msg;
  msg = error_of([] { load({}, {{"TRADECHAT_DATABASE_URL", "mysql://x"}}); });
  EXPECT_NE(msg.find("postgres://"), std::string::npos) << msg;
  msg = error_of([] { load({}, {{"TRADECHAT_HTTP_ADDR", "127.0.0.1:70000"}}); });
  EXPECT_NE(msg.find("http.addr"), std::string::npos) << msg;
}

TEST(Config, UnknownFileKeysAndBadTomlAreRefused) {
  auto file = write_temp("unknown.toml", "[http]\nadress = \"x\"\n");
  auto msg = error_of([&] { load(file); });
  EXPECT_NE(msg.find("http.adress"), std::string::npos) << msg;
  auto bad = write_temp("bad.toml", "[http\naddr=");
  msg = error_of([&] { load(bad); });
  EXPECT_NE(msg.find("bad.toml:1"), std::string::npos) << msg;
  msg = error_of([] { load({}, {}, {{"no.such", "1"}}); });
  EXPECT_NE(msg.find("no.such"), std::string::npos) << msg;
}

TEST(Config, SecretsComeFromFilesAndAreMasked) {
  auto secret = write_temp("dburl", "postgres://app:hunter2@db.internal/tc\n");
  auto c = load({}, {{"TRADECHAT_DATABASE_URL_FILE", secret}});
  EXPECT_EQ(c.str("database.url"), "postgres://app:hunter2@db.internal/tc");
  auto text = c.render_effective();
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_NE(text.find("postgres://app:****@db.internal/tc"), std::string::npos) << text;

  auto toml = write_temp("secretfile.toml", "[redis]\nurl_file = \"" + secret + "x\"\n");
  auto msg = error_of([&] { load(toml); });
  EXPECT_NE(msg.find("redis.url_file"), std::string::npos) << msg;
  // A bad secret value is reported without echoing the secret.
  msg = error_of([] { load({}, {{"TRADECHAT_DATABASE_URL", "mysql://root:topsecret@x"}}); });
  EXPECT_EQ(msg.find("topsecret"), std::string::npos) << msg;
  EXPECT_NE(msg.find("database.url"), std::string::npos) << msg;
}

TEST(Config, ListsFromTomlArraysAndCommaText) {
  auto file = write_temp(
      "lists.toml", "target = [\"gateway\"]\n[http]\ncors_origins = [\"https://a.example\", \"https://b.example\"]\n");
  auto c = load(file, {{"TRADECHAT_TARGET", "gateway, chat"}});
  EXPECT_EQ(c.list("http.cors_origins").size(), 2u);
  EXPECT_EQ(c.list("target"), (std::vector<std::string>{"gateway", "chat"}));
}

// json keys take TOML arrays of tables and tables (and JSON text from the
// environment); schema validators see the loaded config and fail naming the key.
TEST(Config, JsonKeysFromTomlTablesOrJsonTextAndValidators) {
  auto schema = core_config_schema();
  schema.add({.key = "x.items", .kind = ConfigKind::json, .default_value = "[]", .help = "test"});
  schema.add({.key = "x.table", .kind = ConfigKind::json, .default_value = "{}", .help = "test"});
  schema.add_validator([](const Config& c) {
    if (c.json("x.items").find("\"bad\"") != std::string::npos) {
      throw ConfigError("config: x.items[0].name = \"bad\" is invalid: test");
    }
  });
  auto file =
      write_temp("json.toml", "[[x.items]]\nname = \"a\"\nn = 1\n[[x.items]]\nname = \"b\"\n[x.table]\nk = [1, 2]\n");
  auto c = Config::load(schema, file, {}, {});
  EXPECT_EQ(c.json("x.items"), R"([{"n":1,"name":"a"},{"name":"b"}])");
  EXPECT_EQ(c.json("x.table"), R"({"k":[1,2]})");
  EXPECT_EQ(Config::load(schema, "", {{"TRADECHAT_X_ITEMS", R"([{"name":"c"}])"}}, {}).json("x.items"),
            R"([{"name":"c"}])");
  EXPECT_NE(error_of([&] {
              Config::load(schema, "", {{"TRADECHAT_X_ITEMS", "[{oops"}}, {});
            }).find("x.items"),
            std::string::npos);
  EXPECT_EQ(error_of([&] {
              Config::load(schema, "", {{"TRADECHAT_X_ITEMS", R"([{"name":"bad"}])"}}, {});
            }),
            "config: x.items[0].name = \"bad\" is invalid: test");
}

TEST(Config, EnvNameMapping) {
  EXPECT_EQ(ConfigSchema::env_name("http.max_body_bytes"), "TRADECHAT_HTTP_MAX_BODY_BYTES");
  EXPECT_EQ(ConfigSchema::env_name("database.url"), "TRADECHAT_DATABASE_URL");
}

}  // namespace
}  // namespace tc
