package dev.snooze.cli.cost;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of HCL that {@code snooze cost} reads: bodies of attributes and blocks, and the literal
 * values a {@code terraform.tfvars} holds (strings, numbers, bools, null, lists, objects; comments
 * {@code #}, {@code //} and {@code /* *}{@code /}). No HCL library: the one Java parser tried here
 * misreads Terraform (TOOLCHAIN.md), and this subset is small enough to read honestly.
 *
 * <p>{@link #tfvars} is strict: anything else (a reference, a function call, an interpolated string)
 * is an error naming the file and line, since a value it cannot read would make a wrong bill.
 * {@link #terraform} is lenient: a {@code .tf} file is full of expressions, which are kept as
 * {@link Expr} text and only resolved where the bill needs them ({@code var.NAME}).
 */
final class Hcl {
  /** A value of the subset, or the text of an expression it does not evaluate. */
  sealed interface Value permits Str, Num, Bool, Null, Tuple, Obj, Expr {}

  record Str(String value) implements Value {}

  record Num(BigDecimal value) implements Value {}

  record Bool(boolean value) implements Value {}

  record Null() implements Value {}

  record Tuple(List<Value> items) implements Value {}

  record Obj(Map<String, Value> fields) implements Value {}

  /** An expression left unevaluated ({@code .tf} files only), e.g. {@code var.boot_disk_size_gb}. */
  record Expr(String text) implements Value {}

  record Attribute(String name, Value value, int line) {}

  record Block(String type, List<String> labels, Body body, int line) {}

  record Body(Map<String, Attribute> attributes, List<Block> blocks) {
    List<Block> blocks(String type) {
      return blocks.stream().filter(b -> b.type().equals(type)).toList();
    }
  }

  /** What a file holds that this subset cannot read, as {@code FILE:LINE: what}. */
  static final class SyntaxError extends Exception {
    SyntaxError(String file, int line, String message) {
      super(file + ":" + line + ": " + message);
    }
  }

  private Hcl() {}

  /** A tfvars file: top-level {@code name = literal} only. */
  static Map<String, Attribute> tfvars(String text, String file) throws SyntaxError {
    Parser parser = new Parser(new Lexer(text, file).tokens(), text, file, true);
    Body body = parser.body(false);
    if (!body.blocks().isEmpty()) {
      Block block = body.blocks().get(0);
      throw new SyntaxError(file, block.line(), "a block (" + block.type() + " { … }) where only name = value is expected");
    }
    return body.attributes();
  }

  /** A {@code .tf} file: its blocks and attributes, expressions kept as text. */
  static Body terraform(String text, String file) throws SyntaxError {
    return new Parser(new Lexer(text, file).tokens(), text, file, false).body(false);
  }

  // --- lexer -------------------------------------------------------------------------------------

  private enum Kind { IDENT, NUMBER, STRING, NEWLINE, PUNCT, EOF }

  /** {@code text} is the decoded value of a string, else the source text. */
  private record Token(Kind kind, String text, boolean interpolated, int line, int start, int end) {
    boolean is(String punct) {
      return kind == Kind.PUNCT && text.equals(punct);
    }
  }

  private static final class Lexer {
    private final String src;
    private final String file;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;

    Lexer(String src, String file) {
      this.src = src;
      this.file = file;
    }

    List<Token> tokens() throws SyntaxError {
      while (pos < src.length()) {
        char c = src.charAt(pos);
        int start = pos;
        if (c == '\n') {
          add(Kind.NEWLINE, "\n", start);
          pos++;
          line++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
          pos++;
        } else if (c == '#' || src.startsWith("//", pos)) {
          while (pos < src.length() && src.charAt(pos) != '\n') {
            pos++;
          }
        } else if (src.startsWith("/*", pos)) {
          int close = src.indexOf("*/", pos + 2);
          if (close < 0) {
            throw new SyntaxError(file, line, "a /* comment that is never closed");
          }
          // The newlines inside still count for the lines of what follows.
          line += (int) src.substring(pos, close).chars().filter(ch -> ch == '\n').count();
          pos = close + 2;
        } else if (c == '"') {
          string();
        } else if (src.startsWith("<<", pos) && pos + 2 < src.length()
            && (Character.isLetter(src.charAt(pos + 2)) || src.charAt(pos + 2) == '-')) {
          heredoc();
        } else if (Character.isDigit(c)) {
          number();
        } else if (Character.isLetter(c) || c == '_') {
          while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_'
              || src.charAt(pos) == '-')) {
            pos++;
          }
          add(Kind.IDENT, src.substring(start, pos), start);
        } else {
          String two = pos + 1 < src.length() ? src.substring(pos, pos + 2) : "";
          String punct = src.startsWith("...", pos) ? "..."
              : List.of("==", "!=", "<=", ">=", "=>", "&&", "||").contains(two) ? two : String.valueOf(c);
          if ("{}[](),=:.?!<>+-*/%&|".indexOf(c) < 0) {
            throw new SyntaxError(file, line, "unexpected character '" + c + "'");
          }
          pos += punct.length();
          add(Kind.PUNCT, punct, start);
        }
      }
      tokens.add(new Token(Kind.EOF, "end of file", false, line, pos, pos));
      return tokens;
    }

    private void add(Kind kind, String text, int start) {
      tokens.add(new Token(kind, text, false, line, start, pos));
    }

    private void number() {
      int start = pos;
      while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        pos++;
      }
      if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
        pos++;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
          pos++;
        }
      }
      if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
        int mark = pos++;
        if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
          pos++;
        }
        if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
          while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
          }
        } else {
          pos = mark;
        }
      }
      add(Kind.NUMBER, src.substring(start, pos), start);
    }

    private void string() throws SyntaxError {
      int start = pos;
      int startLine = line;
      StringBuilder value = new StringBuilder();
      boolean interpolated = false;
      pos++;
      while (true) {
        if (pos >= src.length() || src.charAt(pos) == '\n') {
          throw new SyntaxError(file, startLine, "a string that is never closed (a \" is missing)");
        }
        char c = src.charAt(pos);
        if (c == '"') {
          pos++;
          break;
        }
        if (c == '\\') {
          pos = escape(value, pos + 1);
        } else if ((c == '$' || c == '%') && src.startsWith("" + c + c + "{", pos)) {
          // $${ and %%{ are the literal ${ and %{.
          value.append(c).append('{');
          pos += 3;
        } else if ((c == '$' || c == '%') && src.startsWith(c + "{", pos)) {
          interpolated = true;
          int close = template(pos + 2, startLine);
          value.append(src, pos, close + 1);
          pos = close + 1;
        } else {
          value.append(c);
          pos++;
        }
      }
      tokens.add(new Token(Kind.STRING, value.toString(), interpolated, startLine, start, pos));
    }

    private int escape(StringBuilder value, int at) throws SyntaxError {
      if (at >= src.length()) {
        throw new SyntaxError(file, line, "a string ending in a lone \\");
      }
      char e = src.charAt(at);
      switch (e) {
        case 'n' -> value.append('\n');
        case 'r' -> value.append('\r');
        case 't' -> value.append('\t');
        case '"' -> value.append('"');
        case '\\' -> value.append('\\');
        case 'u', 'U' -> {
          int digits = e == 'u' ? 4 : 8;
          if (at + 1 + digits > src.length()) {
            throw new SyntaxError(file, line, "a \\" + e + " escape without its " + digits + " hex digits");
          }
          try {
            value.appendCodePoint(Integer.parseInt(src.substring(at + 1, at + 1 + digits), 16));
          } catch (IllegalArgumentException bad) {
            throw new SyntaxError(file, line, "a \\" + e + " escape without its " + digits + " hex digits");
          }
          return at + 1 + digits;
        }
        default -> throw new SyntaxError(file, line, "an unknown escape \\" + e + " in a string");
      }
      return at + 1;
    }

    /** The index of the '}' closing a template begun before {@code from}, nested strings included. */
    private int template(int from, int startLine) throws SyntaxError {
      int depth = 0;
      int at = from;
      while (at < src.length()) {
        char c = src.charAt(at);
        if (c == '"') {
          at++;
          while (at < src.length() && src.charAt(at) != '"') {
            if (src.charAt(at) == '\\') {
              at++;
            } else if (src.startsWith("${", at) || src.startsWith("%{", at)) {
              at = template(at + 2, startLine);
            }
            at++;
          }
        } else if (c == '{') {
          depth++;
        } else if (c == '}') {
          if (depth == 0) {
            return at;
          }
          depth--;
        } else if (c == '\n') {
          line++;
        }
        at++;
      }
      throw new SyntaxError(file, startLine, "a ${ … } in a string that is never closed");
    }

    private void heredoc() throws SyntaxError {
      int start = pos;
      int startLine = line;
      pos += 2;
      boolean indented = pos < src.length() && src.charAt(pos) == '-';
      if (indented) {
        pos++;
      }
      int nameStart = pos;
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
        pos++;
      }
      String marker = src.substring(nameStart, pos);
      int eol = src.indexOf('\n', pos);
      if (marker.isEmpty() || eol < 0) {
        throw new SyntaxError(file, startLine, "a heredoc (<<" + (indented ? "-" : "") + marker + ") without its lines");
      }
      List<String> lines = new ArrayList<>();
      int at = eol + 1;
      line++;
      while (true) {
        if (at > src.length() - 1 && !src.substring(Math.min(at, src.length())).strip().equals(marker)) {
          throw new SyntaxError(file, startLine, "a heredoc whose closing " + marker + " is missing");
        }
        int next = src.indexOf('\n', at);
        String text = src.substring(at, next < 0 ? src.length() : next);
        if (text.strip().equals(marker)) {
          pos = next < 0 ? src.length() : next;
          break;
        }
        lines.add(text);
        line++;
        if (next < 0) {
          throw new SyntaxError(file, startLine, "a heredoc whose closing " + marker + " is missing");
        }
        at = next + 1;
      }
      String value = String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
      boolean interpolated = value.contains("${") || value.contains("%{");
      tokens.add(new Token(Kind.STRING, indented ? value.stripIndent() : value, interpolated, startLine, start, pos));
    }
  }

  // --- parser ------------------------------------------------------------------------------------

  private static final class Parser {
    private final List<Token> tokens;
    private final String src;
    private final String file;
    private final boolean strict;
    private int at;

    Parser(List<Token> tokens, String src, String file, boolean strict) {
      this.tokens = tokens;
      this.src = src;
      this.file = file;
      this.strict = strict;
    }

    private Token peek() {
      return tokens.get(at);
    }

    private Token next() {
      return tokens.get(at++);
    }

    private void skipNewlines() {
      while (peek().kind() == Kind.NEWLINE) {
        at++;
      }
    }

    private SyntaxError error(Token token, String message) {
      return new SyntaxError(file, token.line(), message);
    }

    Body body(boolean inBlock) throws SyntaxError {
      Map<String, Attribute> attributes = new LinkedHashMap<>();
      List<Block> blocks = new ArrayList<>();
      while (true) {
        skipNewlines();
        Token first = peek();
        if (first.kind() == Kind.EOF) {
          if (inBlock) {
            throw error(first, "a block that is never closed (a } is missing)");
          }
          break;
        }
        if (first.is("}")) {
          if (!inBlock) {
            throw error(first, "a } that closes nothing");
          }
          break;
        }
        if (first.kind() != Kind.IDENT) {
          throw error(first, "expected a name (name = value), found " + describe(first));
        }
        next();
        if (peek().is("=")) {
          next();
          Value value = attributeValue();
          Token end = peek();
          if (end.kind() != Kind.NEWLINE && end.kind() != Kind.EOF && !(inBlock && end.is("}"))) {
            throw error(end, "expected the end of the line after " + first.text() + " = …, found " + describe(end));
          }
          if (attributes.containsKey(first.text())) {
            throw error(first, first.text() + " is set twice (first on line " + attributes.get(first.text()).line() + ")");
          }
          attributes.put(first.text(), new Attribute(first.text(), value, first.line()));
          continue;
        }
        List<String> labels = new ArrayList<>();
        while (peek().kind() == Kind.STRING || peek().kind() == Kind.IDENT) {
          labels.add(next().text());
        }
        if (!peek().is("{")) {
          throw error(peek(), "expected = after " + first.text() + ", found " + describe(peek()));
        }
        next();
        Body body = body(true);
        next();
        blocks.add(new Block(first.text(), List.copyOf(labels), body, first.line()));
      }
      return new Body(Collections.unmodifiableMap(attributes), List.copyOf(blocks));
    }

    /** A literal; in a {@code .tf} file anything else is kept as the expression's text. */
    private Value attributeValue() throws SyntaxError {
      int mark = at;
      try {
        Value value = literal();
        if (isEnd(peek())) {
          return value;
        }
        if (strict) {
          throw error(peek(), "an expression (" + describe(peek()) + " after a value): " + ONLY_LITERALS);
        }
      } catch (SyntaxError e) {
        if (strict) {
          throw e;
        }
      }
      at = mark;
      return skipExpression();
    }

    private static final String ONLY_LITERALS = "snooze cost reads only strings, numbers, true/false, null, "
        + "lists [ … ] and objects { … } here";

    private static boolean isEnd(Token token) {
      return token.kind() == Kind.NEWLINE || token.kind() == Kind.EOF || token.is("}") || token.is(",")
          || token.is("]");
    }

    private Value literal() throws SyntaxError {
      Token token = next();
      switch (token.kind()) {
        case STRING -> {
          if (token.interpolated()) {
            throw error(token, "a string with ${ … } or %{ … } in it: " + ONLY_LITERALS);
          }
          return new Str(token.text());
        }
        case NUMBER -> {
          return new Num(new BigDecimal(token.text()));
        }
        case IDENT -> {
          return switch (token.text()) {
            case "true" -> new Bool(true);
            case "false" -> new Bool(false);
            case "null" -> new Null();
            default -> throw error(token, "'" + token.text() + "' is not a value (a quoted \"string\"?): " + ONLY_LITERALS);
          };
        }
        case PUNCT -> {
          if (token.is("-") && peek().kind() == Kind.NUMBER) {
            return new Num(new BigDecimal(next().text()).negate());
          }
          if (token.is("[")) {
            return tuple();
          }
          if (token.is("{")) {
            return object();
          }
          throw error(token, describe(token) + " where a value is expected: " + ONLY_LITERALS);
        }
        default -> throw error(token, "a value is missing after =, found " + describe(token));
      }
    }

    private Value tuple() throws SyntaxError {
      List<Value> items = new ArrayList<>();
      while (true) {
        skipNewlines();
        if (peek().is("]")) {
          next();
          return new Tuple(List.copyOf(items));
        }
        items.add(literal());
        skipNewlines();
        Token separator = next();
        if (separator.is("]")) {
          return new Tuple(List.copyOf(items));
        }
        if (!separator.is(",")) {
          throw error(separator, "expected , or ] in a list, found " + describe(separator));
        }
      }
    }

    private Value object() throws SyntaxError {
      Map<String, Value> fields = new LinkedHashMap<>();
      while (true) {
        while (peek().kind() == Kind.NEWLINE || peek().is(",")) {
          next();
        }
        Token key = next();
        if (key.is("}")) {
          return new Obj(Collections.unmodifiableMap(fields));
        }
        if (key.kind() != Kind.IDENT && !(key.kind() == Kind.STRING && !key.interpolated())) {
          throw error(key, "expected a key (key = value) in an object, found " + describe(key));
        }
        Token equals = next();
        if (!equals.is("=") && !equals.is(":")) {
          throw error(equals, "expected = after the key " + key.text() + ", found " + describe(equals));
        }
        if (fields.containsKey(key.text())) {
          throw error(key, "the key " + key.text() + " is set twice in one object");
        }
        fields.put(key.text(), literal());
        Token after = peek();
        if (!(after.kind() == Kind.NEWLINE || after.is(",") || after.is("}"))) {
          throw error(after, "expected , or a new line after " + key.text() + " = …, found " + describe(after));
        }
      }
    }

    /** Skips to the end of the expression (a new line outside brackets) and keeps its text. */
    private Value skipExpression() throws SyntaxError {
      Token first = peek();
      Token last = first;
      int depth = 0;
      while (true) {
        Token token = peek();
        if (token.kind() == Kind.EOF) {
          if (depth > 0) {
            throw error(first, "an expression whose brackets are never closed");
          }
          break;
        }
        if (depth == 0 && (token.kind() == Kind.NEWLINE || token.is("}") || token.is(",") || token.is("]")
            || token.is(")"))) {
          break;
        }
        if (token.is("(") || token.is("[") || token.is("{")) {
          depth++;
        } else if (token.is(")") || token.is("]") || token.is("}")) {
          depth--;
        }
        last = next();
      }
      if (last == first && isEnd(first)) {
        throw error(first, "a value is missing after =");
      }
      return new Expr(src.substring(first.start(), last.end()).strip());
    }

    private static String describe(Token token) {
      return switch (token.kind()) {
        case EOF -> "the end of the file";
        case NEWLINE -> "the end of the line";
        case STRING -> "a string";
        default -> "'" + token.text() + "'";
      };
    }
  }
}
