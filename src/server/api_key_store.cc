#include "server/api_key_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "server/secret_token.h"

namespace perimeter {
namespace {

constexpr mode_t kApiKeysFileMode = 0600;
constexpr size_t kMaxApiKeysFileBytes = 1 << 20;  // ~10k keys; larger is not our file
constexpr size_t kMaxKeyNameLength = 64;          // a label, not a description

Status ValidateKeyName(std::string_view name) {
  if (name.empty() || name.size() > kMaxKeyNameLength) {
    return Status::InvalidArgument(
        fmt::format("API key name must be 1 to {} characters", kMaxKeyNameLength));
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) {
      return Status::InvalidArgument(
          "API key name may only contain letters, digits, '-', '_' and '.'");
    }
  }
  return Status::OK();
}

}  // namespace

ApiKeyStore::ApiKeyStore(std::string path) : path_(std::move(path)) {}

Result<std::vector<ApiKeyStore::Entry>> ApiKeyStore::Parse(const std::string& path,
                                                           std::string_view text) {
  std::vector<Entry> entries;
  int number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields;
    while (true) {
      size_t colon = line.find(':');
      fields.push_back(line.substr(0, colon));
      if (colon == std::string_view::npos) break;
      line.remove_prefix(colon + 1);
    }
    Entry e;
    std::optional<Role> role = fields.size() == 4 ? ParseRole(fields[1]) : std::nullopt;
    bool ok = role.has_value() && fields[2].size() == 64 && ValidateKeyName(fields[0]).ok();
    if (ok) {
      auto [ptr, ec] = std::from_chars(fields[3].data(), fields[3].data() + fields[3].size(),
                                       e.info.created_unix);
      ok = ec == std::errc() && ptr == fields[3].data() + fields[3].size();
    }
    if (!ok) {
      return Status::Corruption(fmt::format(
          "{}:{}: expected name:role:sha256:created (recreate the key with `perimeter apikey`)",
          path, number));
    }
    e.info.name = std::string(fields[0]);
    e.info.role = *role;
    e.hash = std::string(fields[2]);
    entries.push_back(std::move(e));
  }
  return entries;
}

Result<std::vector<ApiKeyStore::Entry>> ApiKeyStore::ReadEntries() const {
  Result<std::string> text = ReadSmallFile(path_, kMaxApiKeysFileBytes);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return std::vector<Entry>{};
    return text.status();
  }
  return Parse(path_, *text);
}

void ApiKeyStore::Install(std::vector<Entry> entries, FileStamp stamp) {
  std::unordered_map<std::string, ApiKeyInfo> by_hash;
  for (Entry& e : entries) by_hash[e.hash] = std::move(e.info);
  std::lock_guard lock(mu_);
  by_hash_ = std::move(by_hash);
  stamp_ = stamp;
}

Status ApiKeyStore::Load() {
  if (path_.empty()) return Status::OK();
  FileStamp stamp = StampFile(path_);
  ASSIGN_OR_RETURN(std::vector<Entry> entries, ReadEntries());
  Install(std::move(entries), stamp);
  return Status::OK();
}

void ApiKeyStore::RefreshIfChanged(std::chrono::steady_clock::time_point now) {
  if (path_.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (now < next_check_) return;
    next_check_ = now + kFileCheckInterval;
    if (StampFile(path_) == stamp_) return;
  }
  Status st = Load();
  if (!st.ok()) spdlog::error("API keys not reloaded, the old ones stay: {}", st.message());
}

std::optional<ApiKeyInfo> ApiKeyStore::Verify(std::string_view key) const {
  if (key.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) return std::nullopt;
  std::string hash = Sha256Hex(key);
  std::lock_guard lock(mu_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

std::vector<ApiKeyInfo> ApiKeyStore::List() const {
  std::vector<ApiKeyInfo> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [hash, info] : by_hash_) out.push_back(info);
  }
  std::sort(out.begin(), out.end(),
            [](const ApiKeyInfo& a, const ApiKeyInfo& b) { return a.name < b.name; });
  return out;
}

Status ApiKeyStore::Save(const std::vector<Entry>& entries) const {
  std::string text =
      "# Perimeter API keys: name:role:sha256(key):created-unix-seconds. Only hashes are "
      "stored.\n";
  for (const Entry& e : entries) {
    text += fmt::format("{}:{}:{}:{}\n", e.info.name, RoleName(e.info.role), e.hash,
                        e.info.created_unix);
  }
  return WriteFileAtomically(path_, text, kApiKeysFileMode);
}

Result<std::string> ApiKeyStore::Create(std::string_view name, Role role, int64_t now_unix) {
  if (path_.empty()) return Status::InvalidArgument("no API key file configured (data_dir)");
  RETURN_IF_ERROR(ValidateKeyName(name));
  ASSIGN_OR_RETURN(std::vector<Entry> entries, ReadEntries());
  for (const Entry& e : entries) {
    if (e.info.name == name) {
      return Status::InvalidArgument(
          fmt::format("an API key named '{}' exists; revoke it first or pick another name", name));
    }
  }
  std::string key = std::string(kApiKeyPrefix) + RandomToken();
  entries.push_back({{std::string(name), role, now_unix}, Sha256Hex(key)});
  RETURN_IF_ERROR(Save(entries));
  Install(std::move(entries), StampFile(path_));
  return key;
}

Status ApiKeyStore::Revoke(std::string_view name) {
  if (path_.empty()) return Status::InvalidArgument("no API key file configured (data_dir)");
  ASSIGN_OR_RETURN(std::vector<Entry> entries, ReadEntries());
  size_t before = entries.size();
  std::erase_if(entries, [&](const Entry& e) { return e.info.name == name; });
  if (entries.size() == before) {
    return Status::NotFound(fmt::format("no API key named '{}'", name));
  }
  RETURN_IF_ERROR(Save(entries));
  Install(std::move(entries), StampFile(path_));
  return Status::OK();
}

}  // namespace perimeter
