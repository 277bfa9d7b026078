#include "inputs/file/path_glob.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

namespace perimeter {

namespace {

std::vector<std::string> SplitComponents(std::string_view pattern) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= pattern.size()) {
    size_t slash = pattern.find('/', pos);
    if (slash == std::string_view::npos) slash = pattern.size();
    if (slash > pos) parts.emplace_back(pattern.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

std::string Join(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (out.empty() || out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

class Walker {
 public:
  Walker(std::vector<std::string>* out, std::vector<GlobProblem>* problems)
      : out_(out), problems_(problems) {}

  void Walk(const std::string& dir, const std::vector<std::string>& parts, size_t i) {
    if (i == parts.size()) {
      out_->push_back(dir);
      return;
    }
    const std::string& part = parts[i];
    if (part == "**") {
      Walk(dir, parts, i + 1);  // zero directories
      ForEachEntry(dir, [&](const std::string& name, bool is_dir) {
        if (is_dir && name[0] != '.') Walk(Join(dir, name), parts, i);
      });
      return;
    }
    if (!HasGlobSyntax(part)) {
      Walk(Join(dir, part), parts, i + 1);
      return;
    }
    ForEachEntry(dir, [&](const std::string& name, bool /*is_dir*/) {
      if (fnmatch(part.c_str(), name.c_str(), FNM_PERIOD) == 0) {
        Walk(Join(dir, name), parts, i + 1);
      }
    });
  }

 private:
  // Calls fn(name, is_real_directory) for each entry but "." and "..".
  template <typename Fn>
  void ForEachEntry(const std::string& dir, Fn fn) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno != ENOENT && errno != ENOTDIR && problems_ != nullptr) {
        problems_->push_back({dir, errno});
      }
      return;
    }
    std::vector<std::pair<std::string, bool>> entries;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      bool is_dir = e->d_type == DT_DIR;
      if (e->d_type == DT_UNKNOWN) {
        struct stat st;
        is_dir = ::lstat(Join(dir, name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      }
      entries.emplace_back(std::string(name), is_dir);
    }
    ::closedir(d);
    for (const auto& [name, is_dir] : entries) fn(name, is_dir);
  }

  std::vector<std::string>* out_;
  std::vector<GlobProblem>* problems_;
};

bool Excluded(const std::string& path, const std::vector<std::string>& excludes) {
  size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  for (const std::string& pattern : excludes) {
    if (fnmatch(pattern.c_str(), name.c_str(), 0) == 0) return true;
  }
  return false;
}

}  // namespace

bool HasGlobSyntax(std::string_view pattern) {
  return pattern.find_first_of("*?[{") != std::string_view::npos;
}

std::vector<std::string> ExpandBraces(std::string_view pattern) {
  size_t open = pattern.find('{');
  if (open == std::string_view::npos) return {std::string(pattern)};
  // Find the matching close brace and the top-level commas between.
  int depth = 0;
  std::vector<size_t> commas;
  size_t close = std::string_view::npos;
  for (size_t i = open; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) {
        close = i;
        break;
      }
    } else if (c == ',' && depth == 1) {
      commas.push_back(i);
    }
  }
  if (close == std::string_view::npos) return {std::string(pattern)};
  std::string_view head = pattern.substr(0, open);
  std::vector<std::string> tails = ExpandBraces(pattern.substr(close + 1));
  std::vector<std::string> out;
  size_t start = open + 1;
  commas.push_back(close);
  for (size_t end : commas) {
    for (const std::string& middle : ExpandBraces(pattern.substr(start, end - start))) {
      for (const std::string& tail : tails) {
        std::string s(head);
        s += middle;
        s += tail;
        out.push_back(std::move(s));
      }
    }
    start = end + 1;
  }
  return out;
}

std::vector<std::string> ExpandPaths(const std::vector<std::string>& patterns,
                                     const std::vector<std::string>& excludes,
                                     std::vector<GlobProblem>* problems) {
  std::vector<std::string> found;
  Walker walker(&found, problems);
  for (const std::string& pattern : patterns) {
    for (const std::string& expanded : ExpandBraces(pattern)) {
      std::string root = expanded.starts_with('/') ? "/" : ".";
      walker.Walk(root, SplitComponents(expanded), 0);
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::erase_if(found, [&](const std::string& p) { return Excluded(p, excludes); });
  return found;
}

}  // namespace perimeter
