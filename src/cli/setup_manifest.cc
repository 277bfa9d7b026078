#include "cli/setup_manifest.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/json.h"
#include "core/value.h"
#include "server/atomic_file.h"

namespace perimeter {
namespace {

constexpr mode_t kManifestMode = 0600;  // it names backups of files that may hold secrets

std::string_view KindName(ManifestEntry::Kind kind) {
  switch (kind) {
    case ManifestEntry::Kind::kDirectory:
      return "dir";
    case ManifestEntry::Kind::kCreatedFile:
      return "created";
    case ManifestEntry::Kind::kChangedFile:
      return "changed";
  }
  return "?";
}

Array Strings(const std::vector<std::string>& values) {
  Array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

}  // namespace

Result<SetupManifest> SetupManifest::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, kMaxManifestBytes));
  return Parse(text, path);
}

Result<SetupManifest> SetupManifest::Parse(std::string_view json, std::string_view where) {
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption(fmt::format(
        "{}: not a setup manifest ({}); undo by hand with the backups next to it", where, why));
  };
  Result<Value> parsed = ParseJson(json);
  if (!parsed.ok()) return corrupt(parsed.status().message());
  if (!parsed->is_object()) return corrupt("not a JSON object");
  const Object& root = parsed->as_object();
  const Value* version = root.Find("version");
  if (version == nullptr || !version->is_int() || version->as_int() != kSetupManifestVersion) {
    return corrupt(fmt::format("version is not {}", kSetupManifestVersion));
  }
  SetupManifest m;
  auto string_field = [](const Object& o, std::string_view key) -> std::string {
    const Value* v = o.Find(key);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
  };
  const Value* entries = root.Find("entries");
  if (entries == nullptr || !entries->is_array()) return corrupt("no entries");
  for (const Value& e : entries->as_array()) {
    if (!e.is_object()) return corrupt("an entry is not an object");
    const Object& o = e.as_object();
    ManifestEntry entry;
    std::string kind = string_field(o, "kind");
    if (kind == "dir") {
      entry.kind = ManifestEntry::Kind::kDirectory;
    } else if (kind == "created") {
      entry.kind = ManifestEntry::Kind::kCreatedFile;
    } else if (kind == "changed") {
      entry.kind = ManifestEntry::Kind::kChangedFile;
    } else {
      return corrupt(fmt::format("unknown kind '{}'", kind));
    }
    entry.path = string_field(o, "path");
    entry.sha256 = string_field(o, "sha256");
    entry.backup = string_field(o, "backup");
    if (entry.path.empty() || entry.path.front() != '/' ||
        entry.path.find("/../") != std::string::npos) {
      return corrupt(fmt::format("path '{}' is not absolute", entry.path));
    }
    if (entry.kind == ManifestEntry::Kind::kChangedFile && entry.backup.empty()) {
      return corrupt(fmt::format("no backup for {}", entry.path));
    }
    m.entries_.push_back(std::move(entry));
  }
  for (auto [key, out] : {std::pair{"undo_commands", &m.undo_commands_},
                          std::pair{"undo_commands_after", &m.undo_after_}}) {
    const Value* list = root.Find(key);
    if (list == nullptr) continue;
    if (!list->is_array()) return corrupt(fmt::format("{} is not a list", key));
    for (const Value& v : list->as_array()) {
      if (!v.is_string()) return corrupt(fmt::format("{} holds a non-string", key));
      out->push_back(v.as_string());
    }
  }
  return m;
}

std::string SetupManifest::ToJson() const {
  Object root;
  root.Set("version", Value(static_cast<int64_t>(kSetupManifestVersion)));
  Array entries;
  for (const ManifestEntry& e : entries_) {
    Object o;
    o.Set("kind", Value(KindName(e.kind)));
    o.Set("path", Value(e.path));
    if (!e.sha256.empty()) o.Set("sha256", Value(e.sha256));
    if (!e.backup.empty()) o.Set("backup", Value(e.backup));
    entries.emplace_back(std::move(o));
  }
  root.Set("entries", Value(std::move(entries)));
  root.Set("undo_commands", Value(Strings(undo_commands_)));
  root.Set("undo_commands_after", Value(Strings(undo_after_)));
  return Value(std::move(root)).ToJson() + "\n";
}

Status SetupManifest::Save(const std::string& path) const {
  return WriteFileAtomically(path, ToJson(), kManifestMode);
}

const ManifestEntry* SetupManifest::Find(std::string_view path) const {
  for (const ManifestEntry& e : entries_) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

void SetupManifest::Record(ManifestEntry entry) {
  for (ManifestEntry& e : entries_) {
    if (e.path == entry.path) {
      if (!entry.sha256.empty()) e.sha256 = entry.sha256;
      return;
    }
  }
  entries_.push_back(std::move(entry));
}

void SetupManifest::AddUndoCommand(std::string line, bool after_files) {
  std::vector<std::string>& list = after_files ? undo_after_ : undo_commands_;
  if (std::find(list.begin(), list.end(), line) == list.end()) list.push_back(std::move(line));
}

}  // namespace perimeter
