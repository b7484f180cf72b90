// http/tls_context.hpp: the server's TLS settings made into one OpenSSL context before the app starts
// (Server::prepare, FASTAPI_ENABLE_TLS): the certificate chain and key of Config::ssl_certfile / ssl_keyfile (a
// passphrase from ssl_keyfile_password), client certificates as ssl_cert_reqs and ssl_ca_certs say (uvicorn's
// meanings), TLS 1.2 at least, ALPN http/1.1; and a session's client certificate read into fa::ClientCertificate.
// Also the root cause of an OpenSSL failure in words, which the client's TLS (client/tls.hpp) shares.
// Fed by fa::Config; feeds http/stream.hpp (the certificate) and http/server.hpp (every connection's session
// comes from this context). Knows nothing of sockets or HTTP messages.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#ifdef FASTAPI_ENABLE_TLS
#include <chrono>
#include <cstring>
#include <ctime>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#endif

#include "fastapi/core/config.hpp"
#include "fastapi/http/request.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX
struct ssl_st;      // OpenSSL's SSL

namespace fastapi::detail {

/// Why this Config cannot serve TLS in this build, or "" when it can (or asks for none): the ssl_ settings
/// need FASTAPI_ENABLE_TLS, and the keyfile needs its certificate.
FASTAPI_DETAIL_INLINE std::string tls_configuration_error(const Config& config);

/// True when the Config asks for TLS (uvicorn's rule: a certificate or a key file is set).
inline bool wants_tls(const Config& config) { return !config.ssl_certfile.empty() || !config.ssl_keyfile.empty(); }

/// The server's context, or throws std::runtime_error naming the file and OpenSSL's reason ("cannot read the
/// private key of ssl_keyfile 'key.pem': bad decrypt"). Freed with free_tls_context. Without
/// FASTAPI_ENABLE_TLS it throws tls_configuration_error's sentence.
FASTAPI_DETAIL_INLINE ::ssl_ctx_st* make_server_tls_context(const Config& config);
FASTAPI_DETAIL_INLINE void free_tls_context(::ssl_ctx_st* ctx);

/// The certificate the client of a finished handshake presented (verified, or the handshake would have
/// failed), or null when it sent none; read once per connection (http/stream.hpp).
FASTAPI_DETAIL_INLINE std::unique_ptr<ClientCertificate> client_certificate_of(::ssl_st* ssl);

#ifdef FASTAPI_ENABLE_TLS
/// The first of OpenSSL's queued errors, its root cause, in words (the queue emptied: the others only
/// repeat it from the callers' side): "No such file or directory", "key values mismatch".
FASTAPI_DETAIL_INLINE std::string openssl_errors();
#endif

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string tls_configuration_error(const Config& config) {
  bool any = wants_tls(config) || !config.ssl_ca_certs.empty() || !config.ssl_keyfile_password.empty() ||
             config.ssl_cert_reqs != 0;
  if (!any) return {};
#ifndef FASTAPI_ENABLE_TLS
  return "fastapi: HTTPS (Config::ssl_certfile, --ssl-certfile...) needs TLS support, which this program was built "
         "without: compile with -DFASTAPI_ENABLE_TLS and link -lssl -lcrypto (CMake: OpenSSL::SSL and "
         "target_compile_definitions(app PRIVATE FASTAPI_ENABLE_TLS))";
#else
  if (config.ssl_certfile.empty())
    return "fastapi: ssl_keyfile, ssl_ca_certs and ssl_cert_reqs need ssl_certfile (--ssl-certfile), the server's "
           "certificate";
  if (config.ssl_cert_reqs < 0 || config.ssl_cert_reqs > 2)
    return "fastapi: ssl_cert_reqs is 0 (no client certificate), 1 (checked when sent) or 2 (required), not " +
           std::to_string(config.ssl_cert_reqs);
  if (config.ssl_cert_reqs != 0 && config.ssl_ca_certs.empty())
    return "fastapi: ssl_cert_reqs asks for client certificates: ssl_ca_certs (--ssl-ca-certs) must name the CA "
           "certificates they are checked against";
  return {};
#endif
}

#ifdef FASTAPI_ENABLE_TLS
FASTAPI_DETAIL_INLINE std::string openssl_errors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    if (!text.empty()) continue;
    // A system error (a file that cannot be opened) carries errno as its reason.
    const char* reason = ERR_SYSTEM_ERROR(e) ? std::strerror(ERR_GET_REASON(e)) : ERR_reason_error_string(e);
    if (reason) text = reason;
  }
  return text.empty() ? std::string("unknown OpenSSL error") : text;
}

FASTAPI_DETAIL_INLINE ::ssl_ctx_st* make_server_tls_context(const Config& config) {
  if (std::string error = tls_configuration_error(config); !error.empty()) throw std::runtime_error(error);
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) throw std::runtime_error("fastapi: cannot create the TLS context: " + openssl_errors());
  auto fail = [&](const std::string& what) {
    std::string reason = openssl_errors();
    SSL_CTX_free(ctx);
    throw std::runtime_error("fastapi: " + what + ": " + reason);
  };
  // TLS 1.0 and 1.1 are deprecated (RFC 8996). No renegotiation (a client could make us do the expensive
  // half again and again); our cipher order wins; idle connections give their TLS buffers back (nginx does).
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) fail("cannot require TLS 1.2");
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  // The passphrase is asked for while the key is read, and only then.
  struct Passphrase {
    static int give(char* buf, int size, int, void* user) {
      const auto* text = static_cast<const std::string*>(user);
      if (text->size() > static_cast<std::size_t>(size)) return -1;
      std::memcpy(buf, text->data(), text->size());
      return static_cast<int>(text->size());
    }
  };
  SSL_CTX_set_default_passwd_cb(ctx, &Passphrase::give);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&config.ssl_keyfile_password));
  const std::string& key = config.ssl_keyfile.empty() ? config.ssl_certfile : config.ssl_keyfile;
  if (SSL_CTX_use_certificate_chain_file(ctx, config.ssl_certfile.c_str()) != 1)
    fail("cannot read the certificate of ssl_certfile '" + config.ssl_certfile + "'");
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    // A key that reads but belongs to another certificate is refused here too: say which mistake it is.
    unsigned long first = ERR_peek_error();
    if (ERR_GET_LIB(first) == ERR_LIB_X509 && ERR_GET_REASON(first) == X509_R_KEY_VALUES_MISMATCH)
      fail("the private key '" + key + "' is not the key of ssl_certfile '" + config.ssl_certfile + "'");
    fail("cannot read the private key of " + std::string(config.ssl_keyfile.empty() ? "ssl_certfile" : "ssl_keyfile") +
         " '" + key + "'" + (config.ssl_keyfile_password.empty() ? "" : " with ssl_keyfile_password"));
  }
  SSL_CTX_set_default_passwd_cb(ctx, nullptr);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  if (SSL_CTX_check_private_key(ctx) != 1) fail("ssl_keyfile does not match ssl_certfile");
  if (!config.ssl_ca_certs.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, config.ssl_ca_certs.c_str(), nullptr) != 1)
      fail("cannot read the CA certificates of ssl_ca_certs '" + config.ssl_ca_certs + "'");
    // The CAs' names go into the CertificateRequest, so a client with several certificates picks the right one.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.ssl_ca_certs.c_str()))
      SSL_CTX_set_client_CA_list(ctx, names);
  }
  int verify = config.ssl_cert_reqs == 0   ? SSL_VERIFY_NONE
               : config.ssl_cert_reqs == 1 ? SSL_VERIFY_PEER
                                           : SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, verify, nullptr);
  // ALPN: http/1.1 when the client offers it; a client offering only others (h2) gets no ALPN answer and
  // may go on in HTTP/1.1 or leave (RFC 7301 section 3.2 allows both; Python's ssl does the same).
  struct Alpn {
    static int select(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in, unsigned in_len,
                      void*) {
      static constexpr unsigned char ours[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
      unsigned char* chosen = nullptr;
      if (SSL_select_next_proto(&chosen, out_len, ours, sizeof(ours), in, in_len) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
      *out = chosen;
      return SSL_TLSEXT_ERR_OK;
    }
  };
  SSL_CTX_set_alpn_select_cb(ctx, &Alpn::select, nullptr);
  return ctx;
}

FASTAPI_DETAIL_INLINE void free_tls_context(::ssl_ctx_st* ctx) {
  if (ctx) SSL_CTX_free(ctx);
}

namespace tls_text {
/// What OpenSSL wrote into a memory BIO, which is freed.
inline std::string drain(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string text = n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
  BIO_free(bio);
  return text;
}
/// A distinguished name as RFC 4514 text ("CN=alice,O=Example"), UTF-8 kept as UTF-8 (not \XX escapes).
inline std::string name(const X509_NAME* n) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return {};
  X509_NAME_print_ex(bio, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return drain(bio);
}
/// An ASN.1 time (UTCTime or GeneralizedTime) as seconds since the epoch, UTC.
inline std::chrono::sys_seconds time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  using namespace std::chrono;
  sys_days day =
      year{tm.tm_year + 1900} / month{static_cast<unsigned>(tm.tm_mon + 1)} / static_cast<unsigned>(tm.tm_mday);
  return day + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
}
}  // namespace tls_text

FASTAPI_DETAIL_INLINE std::unique_ptr<ClientCertificate> client_certificate_of(::ssl_st* ssl) {
  // A reference of our own, freed below (OpenSSL 3 renamed the call; 1.1.1 has only the old name).
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  X509* cert = ssl ? SSL_get1_peer_certificate(ssl) : nullptr;
#else
  X509* cert = ssl ? SSL_get_peer_certificate(ssl) : nullptr;
#endif
  if (!cert) return nullptr;
  auto out = std::make_unique<ClientCertificate>();
  out->subject = tls_text::name(X509_get_subject_name(cert));
  out->issuer = tls_text::name(X509_get_issuer_name(cert));
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(bn)) {
      out->serial = hex;
      OPENSSL_free(hex);
    }
    BN_free(bn);
  }
  out->not_before = tls_text::time(X509_get0_notBefore(cert));
  out->not_after = tls_text::time(X509_get0_notAfter(cert));
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    PEM_write_bio_X509(bio, cert);
    out->pem = tls_text::drain(bio);
  }
  X509_free(cert);
  ERR_clear_error();  // a failed conversion above must not be read as the next call's error
  return out;
}
#else
FASTAPI_DETAIL_INLINE ::ssl_ctx_st* make_server_tls_context(const Config& config) {
  throw std::runtime_error(tls_configuration_error(config));
}
FASTAPI_DETAIL_INLINE void free_tls_context(::ssl_ctx_st*) {}
FASTAPI_DETAIL_INLINE std::unique_ptr<ClientCertificate> client_certificate_of(::ssl_st*) { return nullptr; }
#endif  // FASTAPI_ENABLE_TLS
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
