#ifndef CLIBSSH2_SHIM_H
#define CLIBSSH2_SHIM_H
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

// Swift cannot call function-like macros; these re-expose the ones OpsSSH uses.

static inline LIBSSH2_SESSION *cssh_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

static inline LIBSSH2_CHANNEL *cssh_channel_open_session(LIBSSH2_SESSION *session, unsigned int window) {
    return libssh2_channel_open_ex(session, "session", sizeof("session") - 1, window,
                                   LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}

static inline int cssh_channel_exec(LIBSSH2_CHANNEL *channel, const char *command, unsigned int length) {
    return libssh2_channel_process_startup(channel, "exec", sizeof("exec") - 1, command, length);
}

static inline ssize_t cssh_channel_read(LIBSSH2_CHANNEL *channel, int stream, char *buffer, size_t length) {
    return libssh2_channel_read_ex(channel, stream, buffer, length);
}

static inline ssize_t cssh_channel_write(LIBSSH2_CHANNEL *channel, const char *buffer, size_t length) {
    return libssh2_channel_write_ex(channel, 0, buffer, length);
}

static inline int cssh_session_disconnect(LIBSSH2_SESSION *session, const char *description) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, description, "");
}

static inline int cssh_userauth_publickey_fromfile(LIBSSH2_SESSION *session, const char *user, unsigned int user_length,
                                                   const char *private_key, const char *passphrase) {
    return libssh2_userauth_publickey_fromfile_ex(session, user, user_length, NULL, private_key, passphrase);
}

// Constants built from shifts, which the Swift importer does not always see.
static const int CSSH_ERROR_EAGAIN = LIBSSH2_ERROR_EAGAIN;
static const int CSSH_STDERR_STREAM = SSH_EXTENDED_DATA_STDERR;
static const int CSSH_BLOCK_INBOUND = LIBSSH2_SESSION_BLOCK_INBOUND;
static const int CSSH_BLOCK_OUTBOUND = LIBSSH2_SESSION_BLOCK_OUTBOUND;
static const int CSSH_HOSTKEY_HASH_SHA256 = LIBSSH2_HOSTKEY_HASH_SHA256;
static const int CSSH_KNOWNHOST_TYPE_PLAIN = LIBSSH2_KNOWNHOST_TYPE_PLAIN;
static const int CSSH_KNOWNHOST_KEYENC_RAW = LIBSSH2_KNOWNHOST_KEYENC_RAW;
static const int CSSH_KNOWNHOST_KEY_SSHRSA = LIBSSH2_KNOWNHOST_KEY_SSHRSA;
static const int CSSH_KNOWNHOST_KEY_SSHDSS = LIBSSH2_KNOWNHOST_KEY_SSHDSS;
static const int CSSH_KNOWNHOST_KEY_ECDSA_256 = LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
static const int CSSH_KNOWNHOST_KEY_ECDSA_384 = LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
static const int CSSH_KNOWNHOST_KEY_ECDSA_521 = LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
static const int CSSH_KNOWNHOST_KEY_ED25519 = LIBSSH2_KNOWNHOST_KEY_ED25519;
static const int CSSH_KNOWNHOST_FILE_OPENSSH = LIBSSH2_KNOWNHOST_FILE_OPENSSH;
static const int CSSH_KNOWNHOST_CHECK_MATCH = LIBSSH2_KNOWNHOST_CHECK_MATCH;
static const int CSSH_KNOWNHOST_CHECK_MISMATCH = LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
static const int CSSH_KNOWNHOST_CHECK_NOTFOUND = LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
static const int CSSH_METHOD_HOSTKEY = LIBSSH2_METHOD_HOSTKEY;
static const unsigned int CSSH_WINDOW_DEFAULT = LIBSSH2_CHANNEL_WINDOW_DEFAULT;

#endif
