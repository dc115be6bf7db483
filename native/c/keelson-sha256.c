/*
 * keelson-sha256: prints the SHA-256 of its standard input as 64 lowercase hex digits and a
 * newline, and exits 0; a read error prints one line on stderr and exits 1.
 *
 * The CRI runtime hashes image layers through this program while it downloads and unpacks them.
 * libcrypto's SHA256_Init/Update/Final use the CPU's SHA extensions (about 0.5 ms per MiB here);
 * the JDK's own SHA-256 in a JVM that runs C1 only, as `keelson cri` does for its footprint, takes
 * about 6.5 ms per MiB, and libcrypto loaded into the JVM would stay resident there for good
 * (about 1.6 MiB). A process per layer keeps both the speed and the footprint.
 *
 * The three calls are declared here rather than taken from <openssl/sha.h> so that only the
 * runtime library (libssl3) is needed to build, not its development headers; their signatures
 * are OpenSSL's stable ABI (libcrypto.so.3). The context is an opaque, aligned block at least as
 * large as SHA256_CTX (112 bytes on LP64).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int SHA256_Init(void *ctx);
int SHA256_Update(void *ctx, const void *data, size_t len);
int SHA256_Final(unsigned char *md, void *ctx);

int main(void)
{
	_Alignas(16) unsigned char ctx[256];
	static unsigned char buf[1 << 16];
	unsigned char md[32];
	if (SHA256_Init(ctx) != 1) {
		fprintf(stderr, "keelson-sha256: SHA256_Init failed\n");
		return 1;
	}
	for (;;) {
		ssize_t n = read(0, buf, sizeof buf);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "keelson-sha256: read: %s\n", strerror(errno));
			return 1;
		}
		SHA256_Update(ctx, buf, (size_t)n);
	}
	if (SHA256_Final(md, ctx) != 1) {
		fprintf(stderr, "keelson-sha256: SHA256_Final failed\n");
		return 1;
	}
	for (int i = 0; i < 32; i++)
		printf("%02x", md[i]);
	printf("\n");
	return fflush(stdout) == 0 ? 0 : 1;
}
