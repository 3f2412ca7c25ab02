package io.lorastream.trainer.checkpoint;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads at most {@code limit} bytes of a stream and fails beyond: bounds what a decompressor may
 * inflate.
 */
final class LimitedInputStream extends FilterInputStream {

  /** The stream held more than the limit. */
  static final class LimitExceeded extends IOException {
    LimitExceeded(String message) {
      super(message);
    }
  }

  private final long limit;
  private final String what;
  private final String setting;
  private long read;

  /**
   * @param what names the stream in the error
   * @param setting the setting that raises the limit
   */
  LimitedInputStream(InputStream in, long limit, String what, String setting) {
    super(in);
    this.limit = limit;
    this.what = what;
    this.setting = setting;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, (int) Math.min(len, limit - read + 1));
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(Math.min(n, limit - read + 1));
    count(skipped);
    return skipped;
  }

  private void count(long n) throws LimitExceeded {
    read += n;
    if (read > limit) {
      throw new LimitExceeded(
          what + " inflates to more than " + limit + " bytes (" + setting + ")");
    }
  }

  /** The {@link LimitExceeded} in {@code e}'s causes, or null (a JSON parser may wrap it). */
  static LimitExceeded cause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof LimitExceeded l) {
        return l;
      }
    }
    return null;
  }
}
