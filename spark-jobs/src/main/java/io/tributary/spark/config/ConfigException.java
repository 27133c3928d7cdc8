package io.tributary.spark.config;

import java.util.List;

/** A job file that does not validate: every error found, each naming file, line and key. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(render(errors));
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }

  private static String render(List<ConfigError> errors) {
    StringBuilder sb = new StringBuilder();
    sb.append(errors.size() == 1 ? "1 error" : errors.size() + " errors").append(" in the job file:");
    for (ConfigError e : errors) {
      sb.append("\n  ").append(e);
    }
    return sb.toString();
  }
}
