package org.sparklossreport.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.losses.Losses;

/**
 * A job file (YAML, see {@code conf/}): the job's options without the dashes ({@code partition_by} or
 * {@code partition-by}), lists and mappings kept, under the options of the command line, which override it
 * entry by entry ({@code conf} key by key).
 */
public final class JobFile {
  private JobFile() {}

  /** Reads a YAML job file into option names and values (lists and maps kept). */
  public static Map<String, Object> read(String path) {
    File f = new File(path);
    if (!f.isFile()) {
      throw new UsageException("--config: job file '" + path + "' not found");
    }
    Object tree;
    try {
      tree = new ObjectMapper(new YAMLFactory()).readValue(f, Object.class);
    } catch (IOException e) {
      throw new UsageException("--config: cannot read job file '" + path + "': "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new UsageException("--config: job file '" + path + "' must be a mapping of option: value");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> names = JobOptions.NAMES;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey()).trim().toLowerCase(Locale.ROOT).replace('_', '-');
      if (!names.contains(key) || key.equals("config") || key.equals("help") || key.equals("version")) {
        throw new UsageException("job file '" + path + "': unknown entry '" + e.getKey() + "'"
            + Losses.suggestion(key, names) + "; valid entries: " + String.join(", ", names));
      }
      out.put(key, e.getValue());
    }
    return out;
  }

  /**
   * The options of the command line {@code cli} over those of its job file ({@code --config}, when given):
   * an option given on the command line replaces the file's entry, except {@code --conf}, whose settings
   * are added to the file's {@code conf} mapping (replacing those of the same key).
   */
  public static Map<String, Object> under(Map<String, Object> cli) {
    Map<String, Object> merged = new LinkedHashMap<>();
    if (cli.containsKey("config")) {
      merged.putAll(read((String) cli.get("config")));
    }
    cli.forEach((k, v) -> {
      if (k.equals("conf") && merged.get("conf") instanceof Map<?, ?> fileConf) {
        Map<String, Object> both = new LinkedHashMap<>();
        fileConf.forEach((a, b) -> both.put(String.valueOf(a), b));
        both.putAll(OptionValues.confMap(v));
        merged.put("conf", both);
      } else {
        merged.put(k, v);
      }
    });
    return merged;
  }
}
