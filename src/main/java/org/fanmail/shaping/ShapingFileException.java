package org.fanmail.shaping;

/**
 * A shaping file that cannot be used, with a message that names the file and the entry at fault. At
 * start-up it stops fanmail; at a reload the previous policy stays and the message is logged.
 */
public class ShapingFileException extends RuntimeException {
  public ShapingFileException(String message) {
    super(message);
  }

  public ShapingFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
