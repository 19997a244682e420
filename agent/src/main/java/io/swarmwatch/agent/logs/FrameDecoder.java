package io.swarmwatch.agent.logs;

import java.io.IOException;
import java.net.ProtocolException;

/**
 * Splits the body of {@code GET /containers/{id}/logs} into log messages.
 *
 * <p>Without a TTY the Engine multiplexes stdout and stderr: every message is one frame, an 8-byte
 * header ({@code [stream, 0, 0, 0, size as uint32 big-endian]}, stream 1 = stdout, 2 = stderr) and
 * {@code size} bytes. With a TTY there is no framing (Engine 20.10 sends {@code
 * application/vnd.docker.raw-stream} either way, so the caller must know from inspect): the bytes
 * go to the assembler's raw splitter.
 */
final class FrameDecoder implements HttpStreamDecoder.Body {
  // Docker splits messages at 16 KiB; with the timestamp a frame is a little more. Anything far
  // beyond that is not a log stream.
  static final int MAX_FRAME = 1 << 20;

  private final LineAssembler lines;
  private final boolean tty;
  private final byte[] header = new byte[8];
  private int headerLen;
  private byte[] payload = new byte[0];
  private int payloadLen;
  private int payloadSize = -1;
  private int stream;

  FrameDecoder(LineAssembler lines, boolean tty) {
    this.lines = lines;
    this.tty = tty;
  }

  @Override
  public void bytes(byte[] b, int off, int len) throws IOException {
    if (tty) {
      lines.raw(b, off, len);
      return;
    }
    int end = off + len;
    int i = off;
    while (i < end) {
      if (payloadSize < 0) {
        int n = Math.min(8 - headerLen, end - i);
        System.arraycopy(b, i, header, headerLen, n);
        headerLen += n;
        i += n;
        if (headerLen < 8) {
          return;
        }
        stream = header[0];
        if (stream < 0 || stream > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0) {
          throw new ProtocolException(
              "not a multiplexed log stream (frame header starts with " + (header[0] & 0xff) + ")");
        }
        payloadSize =
            ((header[4] & 0xff) << 24)
                | ((header[5] & 0xff) << 16)
                | ((header[6] & 0xff) << 8)
                | (header[7] & 0xff);
        if (payloadSize < 0 || payloadSize > MAX_FRAME) {
          throw new ProtocolException("log frame of " + payloadSize + " bytes");
        }
        headerLen = 0;
        payloadLen = 0;
        // Stream 0 (stdin) never carries logs; treat it as stdout rather than fail.
        if (stream == 0) {
          stream = 1;
        }
      }
      int avail = end - i;
      if (payloadLen == 0 && avail >= payloadSize) {
        // The whole frame is in this read: no copy.
        lines.message(stream, b, i, payloadSize);
        i += payloadSize;
        payloadSize = -1;
        continue;
      }
      if (payload.length < payloadSize) {
        payload = new byte[payloadSize];
      }
      int n = Math.min(payloadSize - payloadLen, avail);
      System.arraycopy(b, i, payload, payloadLen, n);
      payloadLen += n;
      i += n;
      if (payloadLen == payloadSize) {
        lines.message(stream, payload, 0, payloadSize);
        payloadSize = -1;
        payloadLen = 0;
        if (payload.length > 64 * 1024) {
          payload = new byte[0]; // don't keep a rare big buffer per container
        }
      }
    }
  }
}
