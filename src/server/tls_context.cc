#include "server/tls_context.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <array>
#include <ctime>

#include "server/atomic_file.h"

namespace perimeter {
namespace {

constexpr mode_t kKeyFileMode = 0600;
constexpr mode_t kCertFileMode = 0644;
constexpr mode_t kTlsDirMode = 0700;
// Certificates are read whole; real chains are a few KiB.
constexpr size_t kMaxPemBytes = 1 << 20;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// OpenSSL's error queue as one line (and the queue emptied).
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<X509Ptr> ReadCertificate(const std::string& path) {
  ASSIGN_OR_RETURN(std::string pem, ReadSmallFile(path, kMaxPemBytes));
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return Status::Corruption(fmt::format("{}: not a PEM certificate ({})", path, OpenSslErrors()));
  }
  return cert;
}

// A host name fit for a DNS SAN: letters, digits, '-' and '.', not empty.
bool IsDnsName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Status AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr || X509_add_ext(cert, ext, -1) != 1) {
    X509_EXTENSION_free(ext);
    return Status::IOError(
        fmt::format("cannot add certificate extension {}: {}", value, OpenSslErrors()));
  }
  X509_EXTENSION_free(ext);
  return Status::OK();
}

Status GenerateSelfSigned(const CertificateFiles& files, std::string_view host_name) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Status::IOError("cannot generate an EC P-256 key: " + OpenSslErrors());

  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  // 159 random bits: unique serials without a counter, and positive as RFC 5280 requires.
  std::array<unsigned char, 20> serial{};
  if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
    return Status::IOError("cannot draw a random serial: " + OpenSslErrors());
  }
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  // An hour of slack for clients whose clock runs behind.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                  std::chrono::duration_cast<std::chrono::seconds>(kSelfSignedValidity).count());
  X509_set_pubkey(cert.get(), key.get());

  std::string common_name = IsDnsName(host_name) ? std::string(host_name) : "localhost";
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Perimeter (self-signed)"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);

  std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
  if (IsDnsName(host_name) && host_name != "localhost") {
    san = fmt::format("DNS:{},{}", host_name, san);
  }
  RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_alt_name, san.c_str()));
  RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  RETURN_IF_ERROR(AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature"));
  RETURN_IF_ERROR(AddExtension(cert.get(), NID_ext_key_usage, "serverAuth"));
  RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Status::IOError("cannot sign the certificate: " + OpenSslErrors());
  }

  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return Status::IOError("cannot encode the certificate: " + OpenSslErrors());
  }
  std::string key_pem = BioToString(key_bio.get());
  // Key first: a certificate on disk without its key would be reused and fail to load.
  Status st = WriteFileAtomically(files.key, key_pem, kKeyFileMode);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  RETURN_IF_ERROR(st);
  return WriteFileAtomically(files.cert, BioToString(cert_bio.get()), kCertFileMode);
}

}  // namespace

Result<SslCtxPtr> MakeServerTlsContext(const std::string& cert_path, const std::string& key_path) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return Status::IOError("cannot create a TLS context: " + OpenSslErrors());
  SSL_CTX* c = ctx.get();
  // SSL 3, TLS 1.0 and 1.1 are broken or deprecated (RFC 8996): the handshake fails for them.
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION);
  // No compression (CRIME), no renegotiation (DoS, old attacks), and no stateless session
  // tickets: OpenSSL never rotates the ticket key, which would undo forward secrecy for as long
  // as the process runs. Resumption still works through the server-side session cache.
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  std::string ciphers(kTls12Ciphers);
  std::string suites(kTls13Ciphersuites);
  std::string groups(kTlsGroups);
  if (SSL_CTX_set_cipher_list(c, ciphers.c_str()) != 1 ||
      SSL_CTX_set_ciphersuites(c, suites.c_str()) != 1 ||
      SSL_CTX_set1_groups_list(c, groups.c_str()) != 1) {
    return Status::IOError("cannot configure TLS ciphers: " + OpenSslErrors());
  }
  // ffdhe groups sized to the certificate's key, for the DHE-RSA suites.
  SSL_CTX_set_dh_auto(c, 1);
  static constexpr unsigned char kSessionContext[] = "perimeter";
  SSL_CTX_set_session_id_context(c, kSessionContext, sizeof(kSessionContext) - 1);

  if (SSL_CTX_use_certificate_chain_file(c, cert_path.c_str()) != 1) {
    return Status::InvalidArgument(fmt::format(
        "server.tls_cert = \"{}\": cannot load the certificate chain ({}); it must be a PEM "
        "file with the server certificate first (Let's Encrypt: fullchain.pem)",
        cert_path, OpenSslErrors()));
  }
  if (SSL_CTX_use_PrivateKey_file(c, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Status::InvalidArgument(fmt::format(
        "server.tls_key = \"{}\": cannot load the private key ({}); it must be an unencrypted "
        "PEM key readable by this user (Let's Encrypt: privkey.pem)",
        key_path, OpenSslErrors()));
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return Status::InvalidArgument(fmt::format(
        "server.tls_key = \"{}\" does not belong to the certificate in server.tls_cert = "
        "\"{}\"",
        key_path, cert_path));
  }
  return ctx;
}

CertificateFiles SelfSignedCertificateFiles(const std::string& data_dir) {
  return {data_dir + "/tls/cert.pem", data_dir + "/tls/key.pem"};
}

Result<CertificateFiles> EnsureSelfSignedCertificate(const std::string& data_dir,
                                                     std::string_view host_name, bool* generated) {
  *generated = false;
  CertificateFiles files = SelfSignedCertificateFiles(data_dir);
  if (StampFile(files.cert).exists && StampFile(files.key).exists) {
    Result<X509Ptr> cert = ReadCertificate(files.cert);
    if (cert.ok()) {
      time_t renew_at =
          std::time(nullptr) +
          std::chrono::duration_cast<std::chrono::seconds>(kSelfSignedRenewBefore).count();
      // Still valid at the renewal horizon: keep it, so browsers' exceptions stay valid.
      if (X509_cmp_time(X509_get0_notAfter(cert->get()), &renew_at) > 0) return files;
    }
  }
  RETURN_IF_ERROR(EnsureDirectory(data_dir, 0750));
  RETURN_IF_ERROR(EnsureDirectory(data_dir + "/tls", kTlsDirMode));
  RETURN_IF_ERROR(GenerateSelfSigned(files, host_name));
  *generated = true;
  return files;
}

Result<std::string> CertificateFingerprint(const std::string& cert_path) {
  ASSIGN_OR_RETURN(X509Ptr cert, ReadCertificate(cert_path));
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md.data(), &n) != 1) {
    return Status::IOError("cannot hash the certificate: " + OpenSslErrors());
  }
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    if (i) out.push_back(':');
    out += fmt::format("{:02X}", md[i]);
  }
  return out;
}

}  // namespace perimeter
