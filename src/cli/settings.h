// Settings: what perimeter.toml can set, with the defaults used when it is absent. Loaded once
// by the CLI; command-line flags then override single values. A plain value type.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "server/server_options.h"

namespace perimeter {

struct Settings {
  std::string data_dir = "./data";
  int workers = 0;  // 0: one per core
  int batch_size = 125;
  std::string ecs_compatibility = "v8";  // pipeline-wide default for plugins
  // [pipeline] inputs of the default pipeline (used when `run` gets no -f/-e).
  std::vector<std::string> firewall_logs = {"/var/log/iptables.log"};
  std::vector<std::string> auth_logs = {"/var/log/auth.log"};
  // The owner's own addresses and networks ("203.0.113.7", "198.51.100.0/24"): their events
  // are tagged `ignored`. Each entry is checked when the settings are loaded.
  std::vector<std::string> ignore;
  std::string log_level = "info";
  // [server]: the HTTPS server started by `perimeter run` (and `perimeter serve`).
  bool server_enabled = true;
  ServerOptions server;  // users_file defaults to <data_dir>/htpasswd (see Finish())
  // [store]: retention of the event store.
  std::string retention = "";
  std::string max_disk = "";
  std::string source;  // the file the settings came from, "" for the defaults

  // Reads a TOML file; unknown keys and wrong types are errors naming the key and line.
  static Result<Settings> Load(const std::string& path);
  // Documented example of every setting with its default, for `perimeter settings --print`.
  static std::string DefaultsToml();
  int EffectiveWorkers() const;
  // Fills settings that derive from others (server.data_dir, server.users_file) once every
  // override is applied.
  void Finish();
};

}  // namespace perimeter
