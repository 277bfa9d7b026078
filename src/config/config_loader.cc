#include "config/config_loader.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace perimeter::config {

namespace {

// Configs are text written by people, a few KiB each; anything this large is almost certainly
// a wrong path (a log file, a database) and would only produce a wall of parse errors.
constexpr off_t kMaxConfigFileBytes = 16 << 20;

bool IsGlob(std::string_view path) { return path.find_first_of("*?[{") != std::string_view::npos; }

Result<SourceFile> ReadConfigFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("cannot read config file", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Status::FromErrno("cannot read config file", path, err);
  }
  if (st.st_size > kMaxConfigFileBytes) {
    ::close(fd);
    return Status::InvalidArgument(fmt::format(
        "config file {} is {} bytes, too large for a pipeline config (limit {}); is the path "
        "pointing at a log file?",
        path, st.st_size, kMaxConfigFileBytes));
  }
  SourceFile file{path, std::string(static_cast<size_t>(st.st_size), '\0')};
  size_t done = 0;
  while (done < file.text.size()) {
    ssize_t n = ::read(fd, file.text.data() + done, file.text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::FromErrno("cannot read config file", path, err);
    }
    if (n == 0) break;  // the file shrank while we read it
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  file.text.resize(done);
  if (file.text.find('\0') != std::string::npos) {
    return Status::InvalidArgument(fmt::format(
        "config file {} contains NUL bytes: it is not a text config; check the path", path));
  }
  // A UTF-8 byte order mark (Windows editors add one) is not part of the config.
  if (file.text.starts_with("\xEF\xBB\xBF")) file.text.erase(0, 3);
  return file;
}

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool IsHidden(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return name.starts_with('.');
}

Result<std::vector<std::string>> ListDirectory(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Status::FromErrno("cannot list config directory", dir, errno);
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (name.starts_with('.')) continue;
    std::string path = dir.ends_with('/') ? dir + std::string(name) : dir + "/" + std::string(name);
    if (IsRegularFile(path)) names.push_back(std::move(path));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  if (names.empty()) {
    return Status::NotFound(fmt::format("config directory {} has no files in it", dir));
  }
  return names;
}

Result<std::vector<std::string>> ExpandGlob(const std::string& pattern) {
  glob_t g{};
  int rc = ::glob(pattern.c_str(), GLOB_BRACE | GLOB_TILDE, nullptr, &g);
  std::vector<std::string> paths;
  if (rc == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      std::string path = g.gl_pathv[i];
      if (!IsHidden(path) && IsRegularFile(path)) paths.push_back(std::move(path));
    }
  }
  ::globfree(&g);
  if (rc == GLOB_NOSPACE || rc == GLOB_ABORTED) {
    return Status::IOError(fmt::format("cannot expand config path {}", pattern));
  }
  if (paths.empty()) {
    return Status::NotFound(fmt::format("no config file matches {}", pattern));
  }
  return paths;  // glob() sorts its matches
}

}  // namespace

Result<std::vector<SourceFile>> LoadConfigFiles(const std::vector<std::string>& paths) {
  std::vector<SourceFile> files;
  for (const std::string& path : paths) {
    std::vector<std::string> expanded;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        ASSIGN_OR_RETURN(expanded, ListDirectory(path));
      } else {
        expanded.push_back(path);
      }
    } else if (IsGlob(path)) {
      ASSIGN_OR_RETURN(expanded, ExpandGlob(path));
    } else if (errno == ENOENT) {
      return Status::NotFound(
          fmt::format("config path {} does not exist; give a file, a directory or a glob", path));
    } else {
      return Status::FromErrno("cannot access config path", path, errno);
    }
    for (const std::string& p : expanded) {
      ASSIGN_OR_RETURN(SourceFile file, ReadConfigFile(p));
      files.push_back(std::move(file));
    }
  }
  return files;
}

SourceFile FromString(std::string name, std::string text) {
  return SourceFile{std::move(name), std::move(text)};
}

}  // namespace perimeter::config
