// Test support for `perimeter setup`'s tests: a temporary directory tree that can be written,
// snapshotted (every path with its type, mode and content) and compared, and a way to run the
// real syntax checkers (iptables-restore, nft, logrotate, systemd-analyze) when present.
// Header-only, used by src/cli/*_test.cc only; one instance per test.
#pragma once

#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace perimeter {

class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/perimeter-setup-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(std::string_view rel) const { return path_ + std::string(rel); }

  // Writes `rel` (absolute inside the tree) with `mode`, creating its directories.
  void Write(std::string_view rel, std::string_view content, mode_t mode = 0644) const {
    std::string full = *this / rel;
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    std::ofstream(full, std::ios::binary) << content;
    ::chmod(full.c_str(), mode);
  }
  std::string Read(std::string_view rel) const {
    std::ifstream in(*this / rel, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  mode_t Mode(std::string_view rel) const {
    struct stat st {};
    ::lstat((*this / rel).c_str(), &st);
    return st.st_mode & 07777;
  }

  // "d 0755" for a directory, "f 0644 <content>" for a file, by path inside the tree.
  std::map<std::string, std::string> Snapshot() const {
    std::map<std::string, std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(path_)) {
      std::string rel = e.path().string().substr(path_.size());
      struct stat st {};
      ::lstat(e.path().c_str(), &st);
      std::string mode = fmt::format("{:04o}", st.st_mode & 07777);
      out[rel] = e.is_directory() ? "d " + mode : "f " + mode + " " + Read(rel);
    }
    return out;
  }

 private:
  std::string path_;
};

// True when `tool` is on PATH (or in /usr/sbin, /sbin).
inline bool HaveTool(const std::string& tool) {
  std::string cmd =
      fmt::format("PATH=\"$PATH:/usr/sbin:/sbin\" command -v {} >/dev/null 2>&1", tool);
  return std::system(cmd.c_str()) == 0;
}

struct ToolRun {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline ToolRun RunTool(const std::string& command) {
  ToolRun r;
  FILE* p = ::popen(fmt::format("PATH=\"$PATH:/usr/sbin:/sbin\" {} 2>&1", command).c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace perimeter
