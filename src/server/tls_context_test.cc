#include "server/tls_context.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <set>

#include "server/atomic_file.h"
#include "server/test_https_client.h"

namespace perimeter {
namespace {

using testing::TempDir;

std::set<std::string> SubjectAltNames(const std::string& cert_path) {
  std::set<std::string> out;
  FILE* f = fopen(cert_path.c_str(), "r");
  if (f == nullptr) return out;
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  fclose(f);
  if (cert == nullptr) return out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_DNS) {
      out.insert("DNS:" +
                 std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName))));
    } else if (n->type == GEN_IPADD) {
      out.insert("IP:" + std::to_string(ASN1_STRING_length(n->d.iPAddress)) + "bytes");
    }
  }
  GENERAL_NAMES_free(names);
  X509_free(cert);
  return out;
}

TEST(SelfSignedCertificate, GeneratedOnceThenReused) {
  TempDir dir;
  bool generated = false;
  Result<CertificateFiles> first =
      EnsureSelfSignedCertificate(dir.path(), "box.example", &generated);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(generated);
  Result<std::string> fp1 = CertificateFingerprint(first->cert);
  ASSERT_TRUE(fp1.ok());
  EXPECT_EQ(fp1->size(), 32u * 3 - 1);  // "AB:" x 32

  Result<CertificateFiles> second =
      EnsureSelfSignedCertificate(dir.path(), "box.example", &generated);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(generated);
  EXPECT_EQ(*CertificateFingerprint(second->cert), *fp1);

  struct stat st {};
  ASSERT_EQ(stat(first->key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir.path() + "/tls").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(SelfSignedCertificate, NamesHostLocalhostAndLoopbackAddresses) {
  TempDir dir;
  bool generated = false;
  Result<CertificateFiles> files =
      EnsureSelfSignedCertificate(dir.path(), "box.example", &generated);
  ASSERT_TRUE(files.ok());
  std::set<std::string> sans = SubjectAltNames(files->cert);
  EXPECT_TRUE(sans.count("DNS:box.example"));
  EXPECT_TRUE(sans.count("DNS:localhost"));
  EXPECT_TRUE(sans.count("IP:4bytes"));   // 127.0.0.1
  EXPECT_TRUE(sans.count("IP:16bytes"));  // ::1
}

TEST(SelfSignedCertificate, OddHostNamesAreLeftOut) {
  TempDir dir;
  bool generated = false;
  Result<CertificateFiles> files =
      EnsureSelfSignedCertificate(dir.path(), "bad name,DNS:evil.com", &generated);
  ASSERT_TRUE(files.ok());
  std::set<std::string> sans = SubjectAltNames(files->cert);
  EXPECT_FALSE(sans.count("DNS:evil.com"));
  EXPECT_TRUE(sans.count("DNS:localhost"));
}

TEST(SelfSignedCertificate, BrokenCertificateIsReplaced) {
  TempDir dir;
  bool generated = false;
  ASSERT_TRUE(EnsureSelfSignedCertificate(dir.path(), "h", &generated).ok());
  CertificateFiles files = SelfSignedCertificateFiles(dir.path());
  ASSERT_TRUE(WriteFileAtomically(files.cert, "garbage", 0644).ok());
  ASSERT_TRUE(EnsureSelfSignedCertificate(dir.path(), "h", &generated).ok());
  EXPECT_TRUE(generated);
  EXPECT_TRUE(CertificateFingerprint(files.cert).ok());
}

TEST(MakeServerTlsContext, LoadsMatchingPairAndNamesSettingsOnErrors) {
  TempDir dir;
  bool generated = false;
  Result<CertificateFiles> files = EnsureSelfSignedCertificate(dir.path(), "h", &generated);
  ASSERT_TRUE(files.ok());
  Result<SslCtxPtr> ctx = MakeServerTlsContext(files->cert, files->key);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx->get()), TLS1_2_VERSION);

  Result<SslCtxPtr> missing = MakeServerTlsContext(dir.File("nope.pem"), files->key);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("server.tls_cert"), std::string::npos);

  TempDir other;
  Result<CertificateFiles> other_files = EnsureSelfSignedCertificate(other.path(), "h", &generated);
  ASSERT_TRUE(other_files.ok());
  Result<SslCtxPtr> mismatch = MakeServerTlsContext(files->cert, other_files->key);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("server.tls_key"), std::string::npos);
}

}  // namespace
}  // namespace perimeter
