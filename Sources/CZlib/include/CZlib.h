#ifndef RAG_CZLIB_H
#define RAG_CZLIB_H

#include <stddef.h>
#include <stdint.h>

/* gzip (RFC 1952) in one call: zlib's deflateInit2 is a macro Swift cannot import.
 * Returns 0 on success with the compressed size in *output_length; a negative zlib status
 * otherwise (output too small: Z_BUF_ERROR). `output` must hold czlib_gzip_bound(length) bytes. */
int czlib_gzip(const uint8_t *input, size_t length, int level, uint8_t *output, size_t *output_length);

/* Upper bound of czlib_gzip's output for `length` input bytes. */
size_t czlib_gzip_bound(size_t length);

/* Inflates a gzip stream into `output` (capacity *output_length, the size written on return).
 * Returns 0 on success, a negative zlib status otherwise (output too small: Z_BUF_ERROR). */
int czlib_gunzip(const uint8_t *input, size_t length, uint8_t *output, size_t *output_length);

#endif
