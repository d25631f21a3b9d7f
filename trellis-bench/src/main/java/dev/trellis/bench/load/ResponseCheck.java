package dev.trellis.bench.load;

import io.netty.handler.codec.http2.Http2Headers;

/**
 * Folds the HEADERS frames of one HTTP/2 response, in order, into the request's {@link Outcome}; the stream's
 * end decides whether that outcome stands. Stateless, so one instance serves every connection.
 */
interface ResponseCheck {

    /** Plain HTTP/2: the response's {@code :status}; trailers change nothing. */
    ResponseCheck HTTP_STATUS = (soFar, headers) -> {
        CharSequence status = headers.status();
        return status != null ? parseStatus(status) : soFar;
    };

    /**
     * @param soFar   the outcome after the stream's earlier HEADERS frames, or {@code null} before the first
     * @param headers the frame just read
     * @return the outcome so far, or {@code null} while there is none
     */
    Integer onHeaders(Integer soFar, Http2Headers headers);

    /** A three-digit {@code :status}, or {@link Outcome#MALFORMED_RESPONSE}. */
    static int parseStatus(CharSequence status) {
        int code = 0;
        for (int i = 0; i < status.length(); i++) {
            char c = status.charAt(i);
            if (c < '0' || c > '9' || i >= 3) {
                return Outcome.MALFORMED_RESPONSE;
            }
            code = code * 10 + (c - '0');
        }
        return status.length() == 3 ? code : Outcome.MALFORMED_RESPONSE;
    }
}
