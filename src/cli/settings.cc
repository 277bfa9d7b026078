#include "cli/settings.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <thread>

#include "core/ip_address.h"

namespace perimeter {

namespace {

constexpr int kMaxWorkers = 256;      // beyond this, threads only contend
constexpr int kMaxBatchSize = 65536;  // bounds the memory one batch can hold

std::string Where(const toml::node& n) {
  const auto& s = n.source();
  return fmt::format("line {}, column {}", s.begin.line, s.begin.column);
}

// A TOML array of strings (a single string is taken as a list of one); the error names the
// element that is not a string.
Result<std::vector<std::string>> StringList(const toml::node& n, std::string_view key,
                                            const std::string& path) {
  std::vector<std::string> out;
  if (auto v = n.value<std::string>()) {
    out.push_back(*v);
    return out;
  }
  if (!n.is_array()) {
    return Status::InvalidArgument(fmt::format(
        "{} ({}): {} must be a list of strings, e.g. [\"a\", \"b\"]", path, Where(n), key));
  }
  for (const toml::node& e : *n.as_array()) {
    auto v = e.value<std::string>();
    if (!v) {
      return Status::InvalidArgument(
          fmt::format("{} ({}): every element of {} must be a string", path, Where(e), key));
    }
    out.push_back(*v);
  }
  return out;
}

}  // namespace

Result<Settings> Settings::Load(const std::string& path) {
  Settings s;
  s.source = path;
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                               e.source().begin.column, e.description()));
  }
  std::string error;
  auto fail = [&](const toml::node& n, std::string msg) -> Status {
    return Status::InvalidArgument(fmt::format("{} ({}): {}", path, Where(n), msg));
  };
  for (auto&& [key, node] : root) {
    std::string k(key.str());
    if (k == "data_dir") {
      if (!node.is_string()) return fail(node, "data_dir must be a string");
      s.data_dir = *node.value<std::string>();
    } else if (k == "pipeline") {
      if (!node.is_table()) return fail(node, "[pipeline] must be a table");
      for (auto&& [pk, pn] : *node.as_table()) {
        std::string p(pk.str());
        if (p == "workers") {
          auto v = pn.value<int64_t>();
          if (!v || *v < 0 || *v > kMaxWorkers) {
            return fail(pn, fmt::format("pipeline.workers must be 0..{}", kMaxWorkers));
          }
          s.workers = static_cast<int>(*v);
        } else if (p == "batch_size") {
          auto v = pn.value<int64_t>();
          if (!v || *v < 1 || *v > kMaxBatchSize) {
            return fail(pn, fmt::format("pipeline.batch_size must be 1..{}", kMaxBatchSize));
          }
          s.batch_size = static_cast<int>(*v);
        } else if (p == "ecs_compatibility") {
          auto v = pn.value<std::string>();
          if (!v || (*v != "disabled" && *v != "v1" && *v != "v8")) {
            return fail(pn, "pipeline.ecs_compatibility must be \"disabled\", \"v1\" or \"v8\"");
          }
          s.ecs_compatibility = *v;
        } else if (p == "firewall_logs" || p == "auth_logs") {
          ASSIGN_OR_RETURN(auto paths, StringList(pn, "pipeline." + p, path));
          for (const std::string& f : paths) {
            if (f.empty()) return fail(pn, fmt::format("pipeline.{} has an empty path", p));
          }
          (p == "firewall_logs" ? s.firewall_logs : s.auth_logs) = std::move(paths);
        } else if (p == "ignore") {
          if (!pn.is_array()) {
            return fail(pn,
                        "pipeline.ignore must be a list, e.g. [\"203.0.113.7\", "
                        "\"198.51.100.0/24\"]");
          }
          for (const toml::node& e : *pn.as_array()) {
            auto v = e.value<std::string>();
            if (!v) return fail(e, "every element of pipeline.ignore must be a string");
            auto net = ParseIpNetwork(*v);
            if (!net.ok()) return fail(e, "pipeline.ignore: " + net.status().message());
            s.ignore.push_back(*v);
          }
        } else {
          return fail(pn, fmt::format("unknown setting pipeline.{}", p));
        }
      }
    } else if (k == "server") {
      if (!node.is_table()) return fail(node, "[server] must be a table");
      for (auto&& [sk, server_node] : *node.as_table()) {
        std::string key(sk.str());
        // A plain reference: lambdas below capture it (clang before 16 cannot capture a binding).
        auto& sn = server_node;
        auto str = [&](std::string* out) -> Status {
          auto v = sn.value<std::string>();
          if (!v) return fail(sn, fmt::format("server.{} must be a string", key));
          *out = *v;
          return Status::OK();
        };
        auto seconds = [&](std::chrono::seconds* out) -> Status {
          auto v = sn.value<int64_t>();
          if (!v || *v <= 0) return fail(sn, fmt::format("server.{} must be seconds > 0", key));
          *out = std::chrono::seconds(*v);
          return Status::OK();
        };
        ServerOptions& o = s.server;
        if (key == "enabled") {
          auto v = sn.value<bool>();
          if (!v) return fail(sn, "server.enabled must be true or false");
          s.server_enabled = *v;
        } else if (key == "listen") {
          RETURN_IF_ERROR(str(&o.listen));
        } else if (key == "tls") {
          auto v = sn.value<bool>();
          if (!v) return fail(sn, "server.tls must be true or false");
          o.tls = *v;
        } else if (key == "tls_cert") {
          RETURN_IF_ERROR(str(&o.tls_cert));
        } else if (key == "tls_key") {
          RETURN_IF_ERROR(str(&o.tls_key));
        } else if (key == "users_file") {
          RETURN_IF_ERROR(str(&o.users_file));
        } else if (key == "redirect_listen") {
          RETURN_IF_ERROR(str(&o.redirect_listen));
        } else if (key == "session_idle_timeout") {
          RETURN_IF_ERROR(seconds(&o.session_idle_timeout));
        } else if (key == "session_absolute_timeout") {
          RETURN_IF_ERROR(seconds(&o.session_absolute_timeout));
        } else if (key == "request_timeout") {
          RETURN_IF_ERROR(seconds(&o.request_timeout));
        } else if (key == "keep_alive_timeout") {
          RETURN_IF_ERROR(seconds(&o.keep_alive_timeout));
        } else if (key == "max_body_bytes" || key == "max_connections" || key == "threads") {
          auto v = sn.value<int64_t>();
          if (!v || *v <= 0) return fail(sn, fmt::format("server.{} must be a number > 0", key));
          if (key == "max_body_bytes") o.max_body_bytes = static_cast<size_t>(*v);
          if (key == "max_connections") o.max_connections = static_cast<size_t>(*v);
          if (key == "threads") o.threads = static_cast<int>(*v);
        } else {
          return fail(sn, fmt::format("unknown setting server.{}", key));
        }
      }
    } else if (k == "store") {
      if (!node.is_table()) return fail(node, "[store] must be a table");
      for (auto&& [sk, server_node] : *node.as_table()) {
        std::string key(sk.str());
        // A plain reference: lambdas below capture it (clang before 16 cannot capture a binding).
        auto& sn = server_node;
        auto v = sn.value<std::string>();
        if (!v) return fail(sn, fmt::format("store.{} must be a string", key));
        if (key == "retention") {
          s.retention = *v;
        } else if (key == "max_disk") {
          s.max_disk = *v;
        } else {
          return fail(sn, fmt::format("unknown setting store.{}", key));
        }
      }
    } else if (k == "log") {
      if (!node.is_table()) return fail(node, "[log] must be a table");
      for (auto&& [lk, ln] : *node.as_table()) {
        if (lk.str() != "level") return fail(ln, fmt::format("unknown setting log.{}", lk.str()));
        auto v = ln.value<std::string>();
        if (!v) return fail(ln, "log.level must be a string");
        s.log_level = *v;
      }
    } else {
      return fail(node, fmt::format("unknown setting '{}'", k));
    }
  }
  return s;
}

std::string Settings::DefaultsToml() {
  return R"(# perimeter.toml — every setting with its default.
data_dir = "./data"          # where checkpoints (and later the event store) live

[pipeline]
workers = 0                  # worker threads; 0 = one per core
batch_size = 125             # events per batch
ecs_compatibility = "v8"     # field names of plugins: "disabled" (legacy), "v1" or "v8"
# What the default pipeline (`perimeter run` without -f) reads; globs allowed. A file that is
# missing or unreadable is reported and retried; the others go on.
firewall_logs = ["/var/log/iptables.log"]   # kernel firewall lines (iptables, UFW, nftables)
auth_logs = ["/var/log/auth.log"]           # sshd logins (/var/log/secure on RHEL); [] for none
# Your own addresses and networks: their events are tagged `ignored` and left out of the
# dashboard's default view, so you never show up as a scanner.
ignore = []                  # e.g. ["203.0.113.7", "198.51.100.0/24", "2001:db8:1::/48"]

[log]
level = "info"               # trace, debug, info, warn, error

[server]
enabled = true               # `perimeter run` also serves the dashboard and API
listen = "127.0.0.1:8443"    # any non-loopback address needs tls = true and a user
tls = true                   # no tls_cert/tls_key: a self-signed certificate in data_dir/tls
tls_cert = ""                # e.g. /etc/letsencrypt/live/HOST/fullchain.pem (reloaded on SIGHUP)
tls_key = ""
users_file = ""              # htpasswd file; default data_dir/htpasswd (perimeter passwd add USER)
redirect_listen = ""         # e.g. "0.0.0.0:80": plain HTTP that only redirects to HTTPS
session_idle_timeout = 1800
session_absolute_timeout = 43200
request_timeout = 30
keep_alive_timeout = 60
max_body_bytes = 16777216
max_connections = 256
threads = 2

[store]
retention = ""               # e.g. "90d": days older than this are dropped
max_disk = ""                # e.g. "20GB": oldest days dropped beyond this
)";
}

void Settings::Finish() {
  server.data_dir = data_dir;
  if (server.users_file.empty()) server.users_file = data_dir + "/htpasswd";
}

int Settings::EffectiveWorkers() const {
  if (workers > 0) return workers;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace perimeter
