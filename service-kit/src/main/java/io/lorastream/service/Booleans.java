package io.lorastream.service;

import java.util.Locale;

/**
 * The one boolean syntax of every service's settings: {@code true}, {@code yes}, {@code on} or
 * {@code false}, {@code no}, {@code off}, in any case.
 */
public final class Booleans {
  private Booleans() {}

  public static boolean parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default ->
          throw new IllegalArgumentException(
              "'" + text + "' is not a boolean; write true, yes, on or false, no, off");
    };
  }
}
