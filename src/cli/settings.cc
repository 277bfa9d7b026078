#include "cli/settings.h"

#include <fmt/format.h>

#include <thread>
#include <toml++/toml.h>

namespace perimeter {

namespace {

constexpr int kMaxWorkers = 256;       // beyond this, threads only contend
constexpr int kMaxBatchSize = 65536;   // bounds the memory one batch can hold

std::string Where(const toml::node& n) {
  const auto& s = n.source();
  return fmt::format("line {}, column {}", s.begin.line, s.begin.column);
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
        } else {
          return fail(pn, fmt::format("unknown setting pipeline.{}", p));
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

[log]
level = "info"               # trace, debug, info, warn, error
)";
}

int Settings::EffectiveWorkers() const {
  if (workers > 0) return workers;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace perimeter
