package apex.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Output for people: colours when wanted, and aligned tables. */
final class Terminal {
  static final String RED = "31";
  static final String GREEN = "32";
  static final String YELLOW = "33";
  static final String CYAN = "36";
  static final String DIM = "2";

  final PrintWriter out;
  private final boolean color;

  Terminal(PrintWriter out, boolean color) {
    this.out = out;
    this.color = color;
  }

  String paint(String code, String text) {
    return color ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }

  /** Prints a JSON answer as it came, indented (the commands' {@code --json}). */
  void json(JsonObject value) {
    out.println(value.encodePrettily());
    out.flush();
  }

  void json(JsonArray value) {
    out.println(value.encodePrettily());
    out.flush();
  }

  /** Prints rows under a header, each column as wide as its widest cell. */
  void table(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] widths = new int[header.size()];
    all.forEach(row -> {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    });
    for (int r = 0; r < all.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < header.size(); i++) {
        String cell = all.get(r).get(i);
        line.append(i == header.size() - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
      }
      out.println(r == 0 ? paint(DIM, line.toString().stripTrailing()) : line.toString().stripTrailing());
    }
    out.flush();
  }

  /** A duration as people read it: 950 ms, 42 s, 3 min 5 s, 2 h 10 min. */
  static String duration(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min " + s % 60 + " s";
    }
    return s / 3600 + " h " + s % 3600 / 60 + " min";
  }
}
