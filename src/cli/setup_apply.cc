#include "cli/setup_apply.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/setup_manifest.h"
#include "cli/setup_paths.h"
#include "core/unique_fd.h"
#include "server/atomic_file.h"
#include "server/passwd_command.h"
#include "server/password_prompt.h"
#include "server/secret_token.h"
#include "server/tls_context.h"

namespace perimeter {
namespace {

constexpr size_t kCopyBufferBytes = 1 << 20;
constexpr mode_t kStateDirMode = 0700;
constexpr mode_t kParentDirMode = 0755;

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// Lowercase hex SHA-256 of a file, read in blocks (the binary and databases are large).
Result<std::string> FileSha256(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Status::FromErrno("cannot open", path, errno);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(kCopyBufferBytes);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno("cannot read", path, errno);
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

// Copies `from` to `to` through a temporary file renamed into place, with `mode`.
Status CopyFileAtomically(const std::string& from, const std::string& to, mode_t mode) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return Status::FromErrno("cannot open", from, errno);
  std::string tmp = fmt::format("{}.tmp.{}", to, ::getpid());
  UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (out.get() < 0) return Status::FromErrno("cannot create", tmp, errno);
  std::vector<char> buf(kCopyBufferBytes);
  auto fail = [&](std::string_view what, const std::string& path) {
    Status st = Status::FromErrno(what, path, errno);
    ::unlink(tmp.c_str());
    return st;
  };
  for (;;) {
    ssize_t n = ::read(in.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read", from);
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.get(), buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return fail("cannot write", tmp);
      done += w;
    }
  }
  if (::fchmod(out.get(), mode) != 0) return fail("cannot set permissions of", tmp);
  if (::fsync(out.get()) != 0 || ::close(out.Release()) != 0) return fail("cannot flush", tmp);
  if (::rename(tmp.c_str(), to.c_str()) != 0) return fail("cannot rename into place", to);
  return Status::OK();
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
}

int RunShell(const std::string& line) {
  pid_t pid = ::fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class SetupRun {
 public:
  SetupRun(const SetupOptions& options, SetupIo& io) : o_(options), io_(io) {}

  std::string P(std::string_view path) const { return o_.root + std::string(path); }

  Status LoadManifest() {
    Result<SetupManifest> m = SetupManifest::Load(P(kManifestPath));
    if (m.ok()) {
      manifest_ = std::move(*m);
      io_.out << fmt::format("(setup ran before: extending {})\n", P(kManifestPath));
    } else if (m.status().code() != StatusCode::kNotFound) {
      return m.status();
    }
    return Status::OK();
  }
  Status SaveManifest() { return manifest_.Save(P(kManifestPath)); }

  // mkdir -p that records each directory it creates.
  Status EnsureDirectory(const std::string& dir, mode_t mode) {
    if (dir == "/" || dir.empty()) return Status::OK();
    if (Exists(P(dir))) return Status::OK();
    RETURN_IF_ERROR(EnsureDirectory(ParentOf(dir), kParentDirMode));
    if (::mkdir(P(dir).c_str(), mode) != 0)
      return Status::FromErrno("cannot create", P(dir), errno);
    if (::chmod(P(dir).c_str(), mode) != 0) {  // the umask may have narrowed it
      return Status::FromErrno("cannot set permissions of", P(dir), errno);
    }
    manifest_.Record({ManifestEntry::Kind::kDirectory, dir, "", ""});
    return Status::OK();
  }

  Status RecordWritten(const std::string& path) {
    ASSIGN_OR_RETURN(std::string sha, FileSha256(P(path)));
    manifest_.Record({ManifestEntry::Kind::kCreatedFile, path, sha, ""});
    return SaveManifest();
  }

  Status WriteFile(const PlannedFile& f) {
    RETURN_IF_ERROR(EnsureDirectory(ParentOf(f.path), kParentDirMode));
    std::string target = P(f.path);
    if (manifest_.Find(f.path) == nullptr && Exists(target)) {
      std::string backup = std::string(kBackupDir) + f.path;
      std::error_code ec;
      std::filesystem::create_directories(ParentOf(P(backup)), ec);
      if (ec)
        return Status::IOError(
            fmt::format("cannot create {}: {}", ParentOf(P(backup)), ec.message()));
      RETURN_IF_ERROR(CopyFileAtomically(target, P(backup), ModeOf(target)));
      manifest_.Record({ManifestEntry::Kind::kChangedFile, f.path, "", backup});
      RETURN_IF_ERROR(SaveManifest());
    }
    if (!f.copy_from.empty()) {
      RETURN_IF_ERROR(CopyFileAtomically(f.copy_from, target, f.mode));
    } else {
      RETURN_IF_ERROR(WriteFileAtomically(target, f.content, f.mode));
    }
    io_.out << fmt::format("wrote {}\n", target);
    return RecordWritten(f.path);
  }

  // Records the files a generating step created (those that were not there before it).
  struct Snapshot {
    std::vector<std::pair<std::string, bool>> paths;  // path, existed before
  };
  Snapshot Before(std::vector<std::string> paths) {
    Snapshot s;
    for (std::string& p : paths) {
      bool existed = Exists(P(p));
      s.paths.emplace_back(std::move(p), existed);
    }
    return s;
  }
  Status RecordCreated(const Snapshot& s) {
    for (const auto& [path, existed] : s.paths) {
      if (existed || !Exists(P(path))) continue;
      if (std::filesystem::is_directory(P(path))) {
        manifest_.Record({ManifestEntry::Kind::kDirectory, path, "", ""});
      } else {
        RETURN_IF_ERROR(RecordWritten(path));
      }
    }
    return SaveManifest();
  }

  Status Certificate(const HostFacts& facts) {
    CertificateFiles files = SelfSignedCertificateFiles(o_.data_dir);
    Snapshot s = Before({o_.data_dir + "/tls", files.cert, files.key});
    bool generated = false;
    Result<CertificateFiles> made =
        EnsureSelfSignedCertificate(P(o_.data_dir), facts.host_name, &generated);
    if (!made.ok()) return made.status();
    RETURN_IF_ERROR(RecordCreated(s));
    Result<std::string> fingerprint = CertificateFingerprint(made->cert);
    io_.out << fmt::format("{} the TLS certificate {}\n  SHA-256 fingerprint: {}\n",
                           generated ? "made" : "kept", made->cert,
                           fingerprint.ok() ? *fingerprint : fingerprint.status().message());
    return Status::OK();
  }

  Status Admin() {
    std::string users = o_.data_dir + "/htpasswd";
    Snapshot s = Before({users, users + ".roles", users + ".lock"});
    std::string password;
    std::istringstream in;
    std::vector<std::string> args = {"add", o_.admin, "--role", "admin"};
    if (!o_.prompt_password) {
      password = RandomToken(kAdminPasswordBytes);
      in.str(password + "\n");
      args.push_back("--password-stdin");
    }
    std::ostringstream out, err;
    int rc = RunPasswdCommand(P(users), args, CommandIo{in, out, err, io_.prompt});
    Status recorded = RecordCreated(s);
    if (rc != 0) {
      return Status::InvalidArgument(
          fmt::format("adding the user {} failed: {}", o_.admin, err.str()));
    }
    RETURN_IF_ERROR(recorded);
    io_.out << out.str();
    if (!o_.prompt_password) {
      io_.out << fmt::format(
          "\n  Password of {}: {}\n  (shown once: store it now. Change it with: sudo -u {} {} "
          "passwd --settings {} add {})\n\n",
          o_.admin, password, o_.user, o_.binary, o_.settings_file, o_.admin);
      OPENSSL_cleanse(password.data(), password.size());
    }
    return Status::OK();
  }

  Status Commands(const SetupPlan& plan) {
    for (const PlannedCommand& c : plan.undo_commands) manifest_.AddUndoCommand(c.line, false);
    for (const PlannedCommand& c : plan.undo_commands_after) manifest_.AddUndoCommand(c.line, true);
    RETURN_IF_ERROR(SaveManifest());
    for (const PlannedCommand& c : plan.commands) {
      if (!o_.root.empty()) {
        io_.out << fmt::format("not run under --root: $ {}\n", c.line);
        continue;
      }
      io_.out << fmt::format("$ {}\n", c.line);
      io_.out.flush();
      int rc = io_.run(c.line);
      if (rc != 0) {
        return Status::IOError(fmt::format(
            "`{}` failed (exit status {}). Fix the cause and run `perimeter setup --apply` "
            "again, or take everything back with `perimeter setup --undo`",
            c.line, rc));
      }
    }
    return Status::OK();
  }

  Status Apply(const SetupPlan& plan, const HostFacts& facts) {
    if (!o_.root.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(o_.root, ec);
    }
    RETURN_IF_ERROR(LoadManifest());
    RETURN_IF_ERROR(EnsureDirectory(std::string(kSetupStateDir), kStateDirMode));
    RETURN_IF_ERROR(SaveManifest());
    for (const PlannedDirectory& d : plan.directories) {
      RETURN_IF_ERROR(EnsureDirectory(d.path, d.mode));
    }
    RETURN_IF_ERROR(SaveManifest());
    for (const PlannedFile& f : plan.files) RETURN_IF_ERROR(WriteFile(f));
    if (plan.make_certificate) RETURN_IF_ERROR(Certificate(facts));
    if (plan.add_admin) RETURN_IF_ERROR(Admin());
    RETURN_IF_ERROR(Commands(plan));
    io_.out << fmt::format("\nDone; {} lists what --undo takes back. Then:\n", P(kManifestPath));
    for (const std::string& s : plan.next_steps) io_.out << fmt::format("  - {}\n", s);
    return Status::OK();
  }

  Status Undo() {
    Result<SetupManifest> loaded = SetupManifest::Load(P(kManifestPath));
    if (!loaded.ok()) {
      if (loaded.status().code() == StatusCode::kNotFound) {
        return Status::NotFound(
            fmt::format("nothing to undo: no manifest at {} (setup --apply was not run here)",
                        P(kManifestPath)));
      }
      return loaded.status();
    }
    manifest_ = std::move(*loaded);
    RunUndoCommands(manifest_.undo_commands());
    bool kept_backup = false;
    const std::vector<ManifestEntry>& entries = manifest_.entries();
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      if (it->kind == ManifestEntry::Kind::kDirectory) continue;
      if (!UndoFile(*it)) kept_backup |= it->kind == ManifestEntry::Kind::kChangedFile;
    }
    ::unlink(P(kManifestPath).c_str());
    if (!kept_backup) {
      std::error_code ec;
      std::filesystem::remove_all(P(kBackupDir), ec);
    }
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      if (it->kind != ManifestEntry::Kind::kDirectory || !Exists(P(it->path))) continue;
      if (::rmdir(P(it->path).c_str()) == 0) {
        io_.out << fmt::format("removed {}/\n", P(it->path));
      } else {
        io_.out << fmt::format("kept {}/: it is not empty (remove it yourself if you mean to)\n",
                               P(it->path));
      }
    }
    RunUndoCommands(manifest_.undo_commands_after());
    return Status::OK();
  }

 private:
  void RunUndoCommands(const std::vector<std::string>& lines) {
    for (const std::string& line : lines) {
      if (!o_.root.empty()) {
        io_.out << fmt::format("not run under --root: $ {}\n", line);
        continue;
      }
      io_.out << fmt::format("$ {}\n", line);
      io_.out.flush();
      if (int rc = io_.run(line); rc != 0) {
        io_.err << fmt::format("  (exit status {}; going on)\n", rc);
      }
    }
  }

  // False when the file was left as it is.
  bool UndoFile(const ManifestEntry& e) {
    std::string target = P(e.path);
    bool present = Exists(target);
    Result<std::string> sha = present ? FileSha256(target) : Result<std::string>(std::string());
    bool ours = present && sha.ok() && *sha == e.sha256;
    if (e.kind == ManifestEntry::Kind::kCreatedFile) {
      if (!present) return true;
      if (!ours) {
        io_.out << fmt::format("kept {}: it changed since setup wrote it\n", target);
        return false;
      }
      ::unlink(target.c_str());
      io_.out << fmt::format("removed {}\n", target);
      return true;
    }
    if (present && !ours) {
      io_.out << fmt::format("kept {}: it changed since setup wrote it; the original is in {}\n",
                             target, P(e.backup));
      return false;
    }
    Status st = CopyFileAtomically(P(e.backup), target, ModeOf(P(e.backup)));
    if (!st.ok()) {
      io_.err << fmt::format("could not restore {}: {}\n", target, st.message());
      return false;
    }
    ::unlink(P(e.backup).c_str());
    io_.out << fmt::format("restored {}\n", target);
    return true;
  }

  const SetupOptions& o_;
  SetupIo& io_;
  SetupManifest manifest_;
};

}  // namespace

SetupIo ProcessSetupIo() {
  return SetupIo{std::cout, std::cerr, RunShell, ReadPasswordFromTerminal};
}

Status ApplySetupPlan(const SetupPlan& plan, const SetupOptions& options, const HostFacts& facts,
                      SetupIo& io) {
  if (options.root.empty() && !facts.is_root) {
    return Status::InvalidArgument(
        "setup --apply changes system files: run it as root (sudo), or with --root DIR to "
        "write the files under DIR");
  }
  return SetupRun(options, io).Apply(plan, facts);
}

Status UndoSetup(const std::string& root, SetupIo& io) {
  SetupOptions options;
  options.root = root;
  return SetupRun(options, io).Undo();
}

}  // namespace perimeter
