package dev.keelson.cri.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The zlib dictionary of SPDY/3 header compression (draft 3, section 2.6.10.1): 65 words, each
 * after its length as a 32-bit big-endian number, then a run of status lines, dates, media
 * types and tokens with no lengths. Its Adler-32 (the dictionary id in the zlib header) is
 * {@code 0xe3c6a7c2}.
 */
final class SpdyDictionary {
    /** The length-prefixed words, separated by {@code |} here. */
    private static final String WORDS = "options|head|post|put|delete|trace|accept|accept-charset|accept-encoding|accept-language|" +
            "accept-ranges|age|allow|authorization|cache-control|connection|content-base|" +
            "content-encoding|content-language|content-length|content-location|content-md5|" +
            "content-range|content-type|date|etag|expect|expires|from|host|if-match|if-modified-since|" +
            "if-none-match|if-range|if-unmodified-since|last-modified|location|max-forwards|pragma|" +
            "proxy-authenticate|proxy-authorization|range|referer|retry-after|server|te|trailer|" +
            "transfer-encoding|upgrade|user-agent|vary|via|warning|www-authenticate|method|get|status|" +
            "200 OK|version|HTTP/1.1|url|public|set-cookie|keep-alive|origin";
    /** The unprefixed tail. */
    private static final String TAIL = "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
            "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Una" +
            "uthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service" +
            " UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, " +
            "Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,applicat" +
            "ion/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf" +
            "-8charset=iso-8859-1,utf-,*,enq=0.";
    private static final byte[] BYTES = build();

    private SpdyDictionary() {
    }

    /** The dictionary (a copy). */
    static byte[] bytes() {
        return BYTES.clone();
    }

    private static byte[] build() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String w : WORDS.split("\\|")) {
            byte[] b = w.getBytes(StandardCharsets.US_ASCII);
            o.write(0);
            o.write(0);
            o.write(b.length >>> 8);
            o.write(b.length);
            o.writeBytes(b);
        }
        o.writeBytes(TAIL.getBytes(StandardCharsets.US_ASCII));
        return o.toByteArray();
    }
}
