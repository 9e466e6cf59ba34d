package dev.snooze.cli.plan;

/**
 * The fast path of reading a JSON log line: a strict JSON scan of one object that notes where the
 * few values a request needs lie ({@code time}, {@code timestamp}, {@code held}, and
 * {@code httpRequest}'s {@code latency} and {@code requestUrl}) and copies nothing. A million lines of the frontend's
 * log cost a fifth of what building Gson trees of them does. It gives up (false) on anything
 * unusual: invalid JSON, an escape inside a wanted string, a wanted field that is not a string,
 * deep nesting; then Gson reads the line, and says what is wrong with it. Not thread-safe.
 */
final class JsonLineScanner {
  private static final int MAX_DEPTH = 32;

  private String s;
  private int i;
  private int n;

  /** Where the wanted strings lie (their content, without quotes), -1 when absent or null. */
  int timeFrom;
  int timeTo;
  int timestampFrom;
  int timestampTo;
  int latencyFrom;
  int latencyTo;
  int urlFrom;
  int urlTo;
  /** Where the top-level {@code held} number lies, -1 when absent or null. */
  int heldFrom;
  int heldTo;
  /** Whether {@code httpRequest} is there as an object (null or absent: false). */
  boolean http;

  /** Scans {@code line} from {@code from}, where its {@code '{'} is; false when Gson must read it instead. */
  boolean scan(String line, int from) {
    s = line;
    i = from;
    n = line.length();
    timeFrom = timestampFrom = latencyFrom = urlFrom = heldFrom = -1;
    http = false;
    if (!object(0)) {
      return false;
    }
    skipSpace();
    return i == n;
  }

  /** The top-level object, or (depth 1) httpRequest's, noting the wanted strings. */
  private boolean object(int depth) {
    if (i >= n || s.charAt(i) != '{') {
      return false;
    }
    i++;
    skipSpace();
    if (i < n && s.charAt(i) == '}') {
      i++;
      return true;
    }
    while (true) {
      skipSpace();
      int keyFrom = i + 1;
      if (!string()) {
        return false;
      }
      int keyTo = i - 1;
      skipSpace();
      if (i >= n || s.charAt(i) != ':') {
        return false;
      }
      i++;
      skipSpace();
      if (!member(depth, keyFrom, keyTo)) {
        return false;
      }
      skipSpace();
      if (i >= n) {
        return false;
      }
      char c = s.charAt(i++);
      if (c == '}') {
        return true;
      }
      if (c != ',') {
        return false;
      }
    }
  }

  private boolean member(int depth, int keyFrom, int keyTo) {
    if (depth == 0 && is(keyFrom, keyTo, "httpRequest")) {
      if (i < n && s.charAt(i) == '{') {
        http = true;
        latencyFrom = urlFrom = -1; // a repeated key: the last one counts, as in Gson
        return object(1);
      }
      http = false;
      return literal("null");
    }
    if (depth == 0 && is(keyFrom, keyTo, "held")) {
      if (i < n && s.charAt(i) == 'n') {
        heldFrom = -1;
        return literal("null");
      }
      int from = i;
      if (!number()) {
        return false; // not a number: Gson reads the line, and says so
      }
      heldFrom = from;
      heldTo = i;
      return true;
    }
    int which = depth == 0 ? (is(keyFrom, keyTo, "time") ? 1 : is(keyFrom, keyTo, "timestamp") ? 2 : 0)
        : depth == 1 ? (is(keyFrom, keyTo, "latency") ? 3 : is(keyFrom, keyTo, "requestUrl") ? 4 : 0) : 0;
    if (which == 0) {
      return value(depth + 1);
    }
    if (i < n && s.charAt(i) == 'n') {
      set(which, -1, -1);
      return literal("null");
    }
    int from = i + 1;
    if (!plainString()) {
      return false;
    }
    set(which, from, i - 1);
    return true;
  }

  private void set(int which, int from, int to) {
    switch (which) {
      case 1 -> { timeFrom = from; timeTo = to; }
      case 2 -> { timestampFrom = from; timestampTo = to; }
      case 3 -> { latencyFrom = from; latencyTo = to; }
      default -> { urlFrom = from; urlTo = to; }
    }
  }

  private boolean is(int from, int to, String key) {
    return to - from == key.length() && s.regionMatches(from, key, 0, key.length());
  }

  private boolean value(int depth) {
    if (i >= n || depth > MAX_DEPTH) {
      return false;
    }
    char c = s.charAt(i);
    switch (c) {
      case '"':
        return string();
      case '{':
        return skipObject(depth);
      case '[':
        return array(depth);
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  private boolean skipObject(int depth) {
    i++;
    skipSpace();
    if (i < n && s.charAt(i) == '}') {
      i++;
      return true;
    }
    while (true) {
      skipSpace();
      if (!string()) {
        return false;
      }
      skipSpace();
      if (i >= n || s.charAt(i) != ':') {
        return false;
      }
      i++;
      skipSpace();
      if (!value(depth + 1)) {
        return false;
      }
      skipSpace();
      if (i >= n) {
        return false;
      }
      char c = s.charAt(i++);
      if (c == '}') {
        return true;
      }
      if (c != ',') {
        return false;
      }
    }
  }

  private boolean array(int depth) {
    i++;
    skipSpace();
    if (i < n && s.charAt(i) == ']') {
      i++;
      return true;
    }
    while (true) {
      skipSpace();
      if (!value(depth + 1)) {
        return false;
      }
      skipSpace();
      if (i >= n) {
        return false;
      }
      char c = s.charAt(i++);
      if (c == ']') {
        return true;
      }
      if (c != ',') {
        return false;
      }
    }
  }

  /** A string with JSON's escapes checked; {@code i} ends after its closing quote. */
  private boolean string() {
    if (i >= n || s.charAt(i) != '"') {
      return false;
    }
    i++;
    while (i < n) {
      char c = s.charAt(i++);
      if (c == '"') {
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c == '\\') {
        if (i >= n) {
          return false;
        }
        char e = s.charAt(i++);
        if (e == 'u') {
          if (i + 4 > n) {
            return false;
          }
          for (int k = 0; k < 4; k++) {
            if (Character.digit(s.charAt(i++), 16) < 0) {
              return false;
            }
          }
        } else if ("\"\\/bfnrt".indexOf(e) < 0) {
          return false;
        }
      }
    }
    return false;
  }

  /** A wanted string: no escapes (its characters are its value), else Gson reads the line. */
  private boolean plainString() {
    if (i >= n || s.charAt(i) != '"') {
      return false;
    }
    i++;
    while (i < n) {
      char c = s.charAt(i++);
      if (c == '"') {
        return true;
      }
      if (c == '\\' || c < 0x20) {
        return false;
      }
    }
    return false;
  }

  private boolean literal(String word) {
    if (s.startsWith(word, i)) {
      i += word.length();
      return true;
    }
    return false;
  }

  /** {@code -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?}. */
  private boolean number() {
    int start = i;
    if (i < n && s.charAt(i) == '-') {
      i++;
    }
    if (i >= n || !digit(s.charAt(i))) {
      return false;
    }
    if (s.charAt(i) == '0') {
      i++;
    } else {
      while (i < n && digit(s.charAt(i))) {
        i++;
      }
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      if (i >= n || !digit(s.charAt(i))) {
        return false;
      }
      while (i < n && digit(s.charAt(i))) {
        i++;
      }
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      if (i >= n || !digit(s.charAt(i))) {
        return false;
      }
      while (i < n && digit(s.charAt(i))) {
        i++;
      }
    }
    return i > start;
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private void skipSpace() {
    while (i < n) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return;
      }
      i++;
    }
  }
}
