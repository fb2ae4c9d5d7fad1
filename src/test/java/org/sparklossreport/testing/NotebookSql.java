package org.sparklossreport.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL of docs/NOTEBOOKS.md as the tests run it: every {@code ```sql} block, in order, split into
 * statements, with the path the page gives the job's saved states ({@link #STATES_PATH}) replaced by a real
 * one. Plain Java: the Spark Connect client's JVM uses it too.
 */
public final class NotebookSql {
  private NotebookSql() {}

  /** Where the page says the job saved its states. */
  public static final String STATES_PATH = "/data/loss-states";

  /** The page. */
  public static Path page() {
    return Path.of(System.getProperty("project.basedir", System.getProperty("basedir", System.getProperty("user.dir"))))
        .resolve("docs/NOTEBOOKS.md");
  }

  /** The {@code ```sql} blocks of {@code page}, the states path replaced by {@code states}. */
  public static List<String> blocks(Path page, String states) {
    String doc;
    try {
      doc = Files.readString(page);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher m = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1).replace(STATES_PATH, states));
    }
    return out;
  }

  /** A block's statements (separated by a semicolon at the end of a line). */
  public static List<String> statements(String block) {
    return new ArrayList<>(Arrays.stream(block.split(";\\s*\\n")).filter(s -> !s.isBlank()).toList());
  }
}
