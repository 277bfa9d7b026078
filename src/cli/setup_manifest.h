// The record of what `perimeter setup --apply` did, so that `--undo` can take it back: the
// directories and files it created, the files it changed (with where their originals are kept)
// and the commands that undo its changes to the running system. Saved as JSON after each step,
// so an interrupted setup can still be undone. A value type; not synchronised.
//
// manifest.json: {"version": 1,
//                 "entries": [{"kind": "dir"|"created"|"changed", "path": "/etc/…",
//                              "sha256": "<hex of the content setup wrote>",
//                              "backup": "<where the original is, for changed>"}, …],
//                 "undo_commands": ["…"], "undo_commands_after": ["…"]}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter {

inline constexpr int kSetupManifestVersion = 1;
// A manifest lists a few dozen paths; anything this big is not one.
inline constexpr size_t kMaxManifestBytes = 4 << 20;

struct ManifestEntry {
  enum class Kind { kDirectory, kCreatedFile, kChangedFile };
  Kind kind = Kind::kCreatedFile;
  std::string path;    // absolute, without --root
  std::string sha256;  // of what setup left there (files only)
  std::string backup;  // the original (changed files only), absolute without --root
};

class SetupManifest {
 public:
  // NotFound when there is no manifest; Corruption for anything that is not one.
  static Result<SetupManifest> Load(const std::string& path);
  static Result<SetupManifest> Parse(std::string_view json, std::string_view where);
  std::string ToJson() const;
  Status Save(const std::string& path) const;

  const std::vector<ManifestEntry>& entries() const { return entries_; }
  const ManifestEntry* Find(std::string_view path) const;
  // Adds the entry, or for a path already listed updates its sha256 only: the first record of
  // a path (created, or its original) is the one --undo must return to.
  void Record(ManifestEntry entry);

  const std::vector<std::string>& undo_commands() const { return undo_commands_; }
  const std::vector<std::string>& undo_commands_after() const { return undo_after_; }
  // Each command once, in the order first added.
  void AddUndoCommand(std::string line, bool after_files);

 private:
  std::vector<ManifestEntry> entries_;
  std::vector<std::string> undo_commands_;
  std::vector<std::string> undo_after_;
};

}  // namespace perimeter
