package io.tributary.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal {@code --name value} / {@code --flag} parser. Unknown names are refused with the name given,
 * so a typo never silently runs the default benchmark.
 */
final class Args {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  Args(String[] argv, List<String> flags, List<String> options) {
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        positional.add(a);
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name)) {
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(value == null ? "true" : value);
      } else if (options.contains(name)) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new IllegalArgumentException("--" + name + " needs a value");
          }
          value = argv[++i];
        }
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        throw new IllegalArgumentException("unknown option --" + name + " (known: --" + String.join(", --", options)
            + (flags.isEmpty() ? "" : ", --" + String.join(", --", flags)) + ")");
      }
    }
  }

  List<String> positional() {
    return positional;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  boolean flag(String name) {
    return has(name) && Boolean.parseBoolean(last(name));
  }

  String string(String name, String def) {
    return has(name) ? last(name) : def;
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  long longValue(String name, long def) {
    if (!has(name)) {
      return def;
    }
    String v = last(name).replace("_", "").replace(",", "");
    long mult = 1;
    if (v.endsWith("k") || v.endsWith("K")) {
      mult = 1_000;
      v = v.substring(0, v.length() - 1);
    } else if (v.endsWith("m") || v.endsWith("M")) {
      mult = 1_000_000;
      v = v.substring(0, v.length() - 1);
    }
    try {
      return Long.parseLong(v) * mult;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + ": not a number: " + last(name));
    }
  }

  int intValue(String name, int def) {
    return Math.toIntExact(longValue(name, def));
  }

  /** key=value pairs given with a repeatable option, e.g. {@code --producer-prop linger.ms=5}. */
  Map<String, String> props(String name) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : all(name)) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--" + name + " takes key=value, got " + kv);
      }
      out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }

  private String last(String name) {
    List<String> l = values.get(name);
    return l.get(l.size() - 1);
  }
}
