#include "cli/setup_settings.h"

#include <fmt/format.h>

namespace perimeter {
namespace {

std::string TomlStrings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    out += fmt::format("{}\"{}\"", i == 0 ? "" : ", ", values[i]);
  }
  return out + "]";
}

}  // namespace

std::string SettingsFileText(const SetupOptions& o, const std::vector<std::string>& ignore) {
  return fmt::format(
      "# Perimeter's settings, written by `perimeter setup`. Every setting and its default:\n"
      "# docs/configuration.md. After a change: systemctl reload perimeter (SIGHUP).\n"
      "data_dir = \"{0}\"\n"
      "\n"
      "[pipeline]\n"
      "# The default pipeline follows these files (the syslog route writes the first).\n"
      "firewall_logs = [\"{1}\"]\n"
      "auth_logs = [\"{2}\"]\n"
      "# Your own addresses and networks: their events are tagged `ignored` and left out of the\n"
      "# dashboard's default view, so you never show up as a scanner.\n"
      "ignore = {3}\n"
      "\n"
      "[server]\n"
      "listen = \"{4}\"\n"
      "# Empty: the self-signed certificate in {0}/tls, made by setup and renewed\n"
      "# by the service before it expires. Set both to use your own (e.g. Let's Encrypt's\n"
      "# /etc/letsencrypt/live/HOST/fullchain.pem and privkey.pem, readable by {5}).\n"
      "tls_cert = \"\"\n"
      "tls_key = \"\"\n"
      "# Manage users with: sudo -u {5} {6} passwd --settings {7} add NAME\n"
      "users_file = \"{0}/htpasswd\"\n",
      o.data_dir, o.firewall_log, o.auth_log, TomlStrings(ignore), o.listen, o.user, o.binary,
      o.settings_file);
}

}  // namespace perimeter
