#include "CZlib.h"

#include <zlib.h>

/* windowBits 15 + 16 selects the gzip wrapper; memLevel 8 is zlib's default. */
int czlib_gzip(const uint8_t *input, size_t length, int level, uint8_t *output, size_t *output_length) {
    z_stream stream = {0};
    int status = deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (status != Z_OK) return status < 0 ? status : Z_STREAM_ERROR;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    stream.next_out = output;
    stream.avail_out = (uInt)*output_length;
    status = deflate(&stream, Z_FINISH);
    *output_length = stream.total_out;
    deflateEnd(&stream);
    if (status == Z_STREAM_END) return 0;
    return status == Z_OK ? Z_BUF_ERROR : (status < 0 ? status : Z_STREAM_ERROR);
}

size_t czlib_gzip_bound(size_t length) {
    z_stream stream = {0};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return length + length / 1000 + 64;
    }
    size_t bound = deflateBound(&stream, (uLong)length);
    deflateEnd(&stream);
    return bound;
}

int czlib_gunzip(const uint8_t *input, size_t length, uint8_t *output, size_t *output_length) {
    z_stream stream = {0};
    int status = inflateInit2(&stream, 15 + 16);
    if (status != Z_OK) return status < 0 ? status : Z_STREAM_ERROR;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    stream.next_out = output;
    stream.avail_out = (uInt)*output_length;
    status = inflate(&stream, Z_FINISH);
    *output_length = stream.total_out;
    inflateEnd(&stream);
    if (status == Z_STREAM_END) return 0;
    return status == Z_OK ? Z_BUF_ERROR : (status < 0 ? status : Z_STREAM_ERROR);
}
