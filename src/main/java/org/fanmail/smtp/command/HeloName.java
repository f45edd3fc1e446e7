package org.fanmail.smtp.command;

/**
 * Syntax of the EHLO/HELO argument: a domain or an address literal, one token, printable ASCII.
 * Deliberately loose about what the name is (many clients send a bare host name) but strict about
 * its shape, because it ends up in the Received header.
 */
final class HeloName {
  private HeloName() {}

  static boolean valid(String argument) {
    return argument.matches("[A-Za-z0-9._:\\[\\]-]{1,255}");
  }
}
