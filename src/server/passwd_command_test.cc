#include "server/passwd_command.h"

#include <gtest/gtest.h>

#include <sstream>

#include "server/api_key_store.h"
#include "server/htpasswd_file.h"
#include "server/test_https_client.h"

namespace perimeter {
namespace {

using testing::TempDir;

struct CommandRun {
  int code;
  std::string out;
  std::string err;
};

CommandRun Passwd(const std::string& file, const std::vector<std::string>& args,
                  const std::string& stdin_text = "", std::vector<std::string> prompts = {}) {
  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  size_t next_prompt = 0;
  CommandIo io{in, out, err, [&](std::string_view) -> Result<std::string> {
                 if (next_prompt >= prompts.size()) return Status::IOError("no more input");
                 return prompts[next_prompt++];
               }};
  int code = RunPasswdCommand(file, args, io);
  return {code, out.str(), err.str()};
}

TEST(PasswdCommand, AddWritesBcryptAtCostTwelveWithRole) {
  TempDir dir;
  std::string file = dir.File("htpasswd");
  CommandRun r =
      Passwd(file, {"add", "alice", "--role", "admin", "--password-stdin"}, "correct horse\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("added user alice (admin)"), std::string::npos);
  Result<HtpasswdFile> f = HtpasswdFile::Load(file);
  ASSERT_TRUE(f.ok());
  const UserEntry* alice = f->Find("alice");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->role, Role::kAdmin);
  EXPECT_EQ(alice->hash.substr(0, 7), "$2y$12$");
  EXPECT_TRUE(VerifyPassword("correct horse", alice->hash));
}

TEST(PasswdCommand, PromptAsksTwiceAndRefusesMismatchesAndShortPasswords) {
  TempDir dir;
  std::string file = dir.File("htpasswd");
  CommandRun mismatch = Passwd(file, {"add", "bob"}, "", {"first-password", "second-password"});
  EXPECT_EQ(mismatch.code, 1);
  EXPECT_NE(mismatch.err.find("differ"), std::string::npos);
  CommandRun short_pw = Passwd(file, {"add", "bob", "--password-stdin"}, "short\n");
  EXPECT_EQ(short_pw.code, 1);
  EXPECT_NE(short_pw.err.find("at least 8"), std::string::npos);
  EXPECT_TRUE(HtpasswdFile::Load(file)->users().empty());
}

TEST(PasswdCommand, RoleDelAndListOnAnImportedApacheFile) {
  TempDir dir;
  std::string file = dir.File("htpasswd");
  ASSERT_TRUE(WriteFileAtomically(file,
                                  "# from Apache\n"
                                  "kibana:$apr1$r31....$kMmt8Ia8qcWk4vKKEhpgx1\n"
                                  "ops:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n",
                                  0640)
                  .ok());
  CommandRun list = Passwd(file, {"list"});
  ASSERT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("kibana\tviewer\tapr1"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("weak"), std::string::npos);

  ASSERT_EQ(Passwd(file, {"role", "kibana", "admin"}).code, 0);
  EXPECT_EQ(HtpasswdFile::Load(file)->Find("kibana")->role, Role::kAdmin);
  // Re-setting a password keeps the role and replaces the weak hash.
  ASSERT_EQ(Passwd(file, {"add", "kibana", "--password-stdin"}, "a-new-password\n").code, 0);
  Result<HtpasswdFile> reloaded = HtpasswdFile::Load(file);
  ASSERT_TRUE(reloaded.ok());
  const UserEntry* kibana = reloaded->Find("kibana");
  ASSERT_NE(kibana, nullptr);
  EXPECT_EQ(kibana->role, Role::kAdmin);
  EXPECT_EQ(kibana->hash.substr(0, 4), "$2y$");

  ASSERT_EQ(Passwd(file, {"del", "ops"}).code, 0);
  EXPECT_EQ(Passwd(file, {"del", "ops"}).code, 1);
  Result<std::string> text = ReadSmallFile(file, 1 << 20);
  EXPECT_EQ(text->find("# from Apache\n"), 0u);  // comments survive
  EXPECT_EQ(text->find("ops:"), std::string::npos);
}

TEST(PasswdCommand, UsageErrorsExitTwo) {
  TempDir dir;
  std::string file = dir.File("htpasswd");
  EXPECT_EQ(Passwd(file, {}).code, 2);
  EXPECT_EQ(Passwd(file, {"frobnicate"}).code, 2);
  EXPECT_EQ(Passwd(file, {"add"}).code, 2);
  EXPECT_EQ(Passwd(file, {"add", "a:b", "--password-stdin"}, "long-enough\n").code, 2);
  EXPECT_EQ(Passwd(file, {"add", "x", "--role", "root"}).code, 2);
  EXPECT_EQ(Passwd(file, {"role", "x", "root"}).code, 2);
  EXPECT_EQ(Passwd("", {"list"}).code, 2);
}

TEST(ApiKeyCommand, CreatePrintsAKeyThatVerifiesAndRevokeRemovesIt) {
  TempDir dir;
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  CommandIo io{in, out, err, nullptr};
  ASSERT_EQ(RunApiKeyCommand(dir.path(), {"create", "filebeat", "--role", "admin"}, io), 0);
  std::string key = out.str();
  key.pop_back();  // newline
  ApiKeyStore store(dir.File("api_keys"));
  ASSERT_TRUE(store.Load().ok());
  ASSERT_TRUE(store.Verify(key));
  EXPECT_EQ(store.Verify(key)->role, Role::kAdmin);
  EXPECT_NE(err.str().find("only once"), std::string::npos);
  ASSERT_EQ(RunApiKeyCommand(dir.path(), {"revoke", "filebeat"}, io), 0);
  ASSERT_TRUE(store.Load().ok());
  EXPECT_FALSE(store.Verify(key));
}

}  // namespace
}  // namespace perimeter
