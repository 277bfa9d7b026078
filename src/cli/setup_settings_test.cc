#include "cli/setup_settings.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "cli/settings.h"
#include "cli/setup_test_tree.h"

namespace perimeter {
namespace {

std::vector<std::string> Strings(const toml::table& t, std::string_view path) {
  std::vector<std::string> out;
  const toml::array* a = t.at_path(path).as_array();
  if (a == nullptr) return out;
  for (const toml::node& n : *a) out.push_back(n.value<std::string>().value_or("?"));
  return out;
}

TEST(SettingsFileText, IsTomlWithTheAgreedKeys) {
  SetupOptions o;
  o.data_dir = "/srv/perimeter";
  o.listen = "0.0.0.0:443";
  std::string text = SettingsFileText(o, {"203.0.113.7", "198.51.100.0/24", "2001:db8::/32"});
  toml::table t = toml::parse(text);
  EXPECT_EQ(t["data_dir"].value<std::string>(), "/srv/perimeter");
  EXPECT_EQ(Strings(t, "pipeline.firewall_logs"),
            std::vector<std::string>{"/var/log/iptables.log"});
  EXPECT_EQ(Strings(t, "pipeline.auth_logs"), std::vector<std::string>{"/var/log/auth.log"});
  EXPECT_EQ(Strings(t, "pipeline.ignore"),
            (std::vector<std::string>{"203.0.113.7", "198.51.100.0/24", "2001:db8::/32"}));
  EXPECT_EQ(t.at_path("server.listen").value<std::string>(), "0.0.0.0:443");
  EXPECT_EQ(t.at_path("server.tls_cert").value<std::string>(), "");
  EXPECT_EQ(t.at_path("server.tls_key").value<std::string>(), "");
  EXPECT_EQ(t.at_path("server.users_file").value<std::string>(), "/srv/perimeter/htpasswd");
  // Nothing else: Settings::Load refuses unknown keys.
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t["pipeline"].as_table()->size(), 3u);
  EXPECT_EQ(t["server"].as_table()->size(), 4u);
}

TEST(SettingsFileText, EmptyIgnoreListIsAnEmptyArray) {
  toml::table t = toml::parse(SettingsFileText(SetupOptions{}, {}));
  ASSERT_NE(t.at_path("pipeline.ignore").as_array(), nullptr);
  EXPECT_TRUE(t.at_path("pipeline.ignore").as_array()->empty());
}

// The service starts from this file: Settings::Load (strict about keys and types) must take it.
TEST(SettingsFileText, SettingsLoadReadsItBack) {
  SetupOptions o;
  o.listen = "0.0.0.0:9443";
  TempTree tree;
  tree.Write("/perimeter.toml", SettingsFileText(o, {"203.0.113.7", "2001:db8::/32"}));
  Result<Settings> s = Settings::Load(tree / "/perimeter.toml");
  ASSERT_TRUE(s.ok()) << s.status().message();
  s->Finish();
  EXPECT_EQ(s->data_dir, "/var/lib/perimeter");
  EXPECT_EQ(s->firewall_logs, std::vector<std::string>{"/var/log/iptables.log"});
  EXPECT_EQ(s->auth_logs, std::vector<std::string>{"/var/log/auth.log"});
  EXPECT_EQ(s->ignore, (std::vector<std::string>{"203.0.113.7", "2001:db8::/32"}));
  EXPECT_EQ(s->server.listen, "0.0.0.0:9443");
  EXPECT_EQ(s->server.users_file, "/var/lib/perimeter/htpasswd");
  EXPECT_TRUE(s->server.tls_cert.empty());
}

}  // namespace
}  // namespace perimeter
