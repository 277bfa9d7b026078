// API keys for machine clients (`Authorization: ApiKey <key>`): created once and shown once,
// stored only as SHA-256 hashes in <data_dir>/api_keys. Thread-safe; the file may be changed
// by `perimeter apikey` while the server runs (it is re-read when its stamp changes).
//
// File format, one key per line, '#' comments:
//   name:role:sha256-hex-of-key:created-unix-seconds
// e.g. "ingest-script:viewer:9f86d0…:1717171717". A plain hash suffices (no bcrypt): keys are
// 256 random bits, so there is nothing to guess offline.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "server/atomic_file.h"
#include "server/auth_context.h"

namespace perimeter {

inline constexpr std::string_view kApiKeyPrefix = "pmk_";  // recognisable in leaked-secret scans

struct ApiKeyInfo {
  std::string name;
  Role role = Role::kViewer;
  int64_t created_unix = 0;
};

class ApiKeyStore {
 public:
  // "" = no key file: every ApiKey header is refused.
  explicit ApiKeyStore(std::string path);

  // (Re)reads the file; a missing file means no keys. On error the keys loaded before stay.
  Status Load();
  // Load() when the file changed, checked at most every kFileCheckInterval.
  void RefreshIfChanged(std::chrono::steady_clock::time_point now);

  std::optional<ApiKeyInfo> Verify(std::string_view key) const;
  std::vector<ApiKeyInfo> List() const;

  // Makes a key, saves its hash, returns the key: the only time it exists in clear.
  Result<std::string> Create(std::string_view name, Role role, int64_t now_unix);
  Status Revoke(std::string_view name);

  // Keeps file stat() calls off the per-request path.
  static constexpr std::chrono::seconds kFileCheckInterval{2};

 private:
  struct Entry {
    ApiKeyInfo info;
    std::string hash;
  };
  static Result<std::vector<Entry>> Parse(const std::string& path, std::string_view text);
  Status Save(const std::vector<Entry>& entries) const;
  Result<std::vector<Entry>> ReadEntries() const;
  void Install(std::vector<Entry> entries, FileStamp stamp);

  const std::string path_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, ApiKeyInfo> by_hash_;  // GUARDED_BY(mu_)
  FileStamp stamp_;                                      // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point next_check_;     // GUARDED_BY(mu_)
};

}  // namespace perimeter
