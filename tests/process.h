// ChildProcess: runs a command for whole-binary tests, with its stdin writable and its stdout
// and stderr captured to files. One test thread owns it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace perimeter::testing {

class ChildProcess {
 public:
  // Starts argv[0] with the arguments; stdout/stderr go to files in `dir`.
  ChildProcess(const std::vector<std::string>& argv, const std::string& dir);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void WriteStdin(const std::string& text);
  void CloseStdin();
  void Signal(int sig);
  // Exit status (or 128+signal); -1 when it did not end within `timeout_ms`.
  int Wait(int timeout_ms);
  std::string Stdout() const;
  std::string Stderr() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::string out_path_;
  std::string err_path_;
  int status_ = -1;
};

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);
std::string MakeTempDir();
// Polls `pred` every 20 ms until it is true or `timeout_ms` passed.
bool WaitUntil(int timeout_ms, const std::function<bool()>& pred);

}  // namespace perimeter::testing
