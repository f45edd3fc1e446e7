package org.fanmail.smtp.codec;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A write-once byte store for one message: in memory up to a threshold, then in a temporary file,
 * so no connection holds more than {@code threshold} bytes of message in the heap.
 *
 * <p>Invariants: {@link #size()} counts every byte written; {@link #openStream()} returns exactly
 * those bytes; {@link #close()} frees the memory and deletes the file and is safe to call twice.
 * Failure: an I/O error on the temporary file surfaces as {@link UncheckedIOException} from {@link
 * #write}, which the session answers with {@code 451 4.3.0}.
 */
public final class SpillBuffer implements AutoCloseable {
  private final int threshold;
  private byte[] memory = new byte[1024];
  private long size;
  private Path file;
  private OutputStream out;

  public SpillBuffer(int threshold) {
    this.threshold = threshold;
  }

  /** Appends one byte. */
  public void write(int b) {
    if (file == null) {
      if (size < threshold) {
        if (size == memory.length) {
          memory = Arrays.copyOf(memory, (int) Math.min(threshold, memory.length * 2L));
        }
        memory[(int) size++] = (byte) b;
        return;
      }
      spill();
    }
    try {
      out.write(b);
      size++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends {@code len} bytes. */
  public void write(byte[] b, int off, int len) {
    if (file == null && size + len <= threshold) {
      if (size + len > memory.length) {
        memory =
            Arrays.copyOf(
                memory, (int) Math.min(threshold, Math.max(size + len, memory.length * 2L)));
      }
      System.arraycopy(b, off, memory, (int) size, len);
      size += len;
      return;
    }
    if (file == null) {
      spill();
    }
    try {
      out.write(b, off, len);
      size += len;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void spill() {
    try {
      file = Files.createTempFile("fanmail-data-", ".eml");
      out = new BufferedOutputStream(Files.newOutputStream(file), 16 * 1024);
      out.write(memory, 0, (int) size);
      memory = null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes written so far. */
  public long size() {
    return size;
  }

  /** True once the content lives in a temporary file. */
  public boolean spilled() {
    return file != null;
  }

  /** A fresh stream over everything written; the caller closes it. */
  public InputStream openStream() throws IOException {
    if (file == null) {
      return new ByteArrayInputStream(memory, 0, (int) size);
    }
    out.flush();
    return new java.io.BufferedInputStream(Files.newInputStream(file), 64 * 1024);
  }

  @Override
  public void close() {
    memory = null;
    if (file != null) {
      try {
        out.close();
      } catch (IOException e) {
        // the file is deleted next; nothing to keep
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        file.toFile().deleteOnExit();
      }
    }
  }
}
