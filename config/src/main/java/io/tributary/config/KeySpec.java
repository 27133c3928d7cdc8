package io.tributary.config;

import java.util.List;

/**
 * What every configuration key of a YAML file declares: where it is, whether it must be given, its default,
 * its limits and its documentation. Each file kind adds its own value types (and, for job files, the jobs a
 * key applies to); the loaders validate against these and the docs tables are rendered from them.
 */
public interface KeySpec {
  /** "" for top-level keys, else the section's name. */
  String section();

  String name();

  Presence presence();

  /** For DEFAULT the default as it would be written in YAML; for DERIVED how it is derived. */
  String defaultValue();

  /** The least value of an integer key ({@link Long#MIN_VALUE} = no limit). */
  long min();

  /** The values a choice key accepts, in the order the docs list them. */
  List<String> choices();

  /** What the key does, in Markdown. */
  String doc();

  /** The key as it is named in messages: {@code section.name}. */
  default String path() {
    return section().isEmpty() ? name() : section() + "." + name();
  }

  /** The "default" cell of a reference table. */
  default String defaultCell() {
    return switch (presence()) {
      case REQUIRED -> "**required**";
      case OPTIONAL -> "(none)";
      case DEFAULT, DERIVED -> MarkdownTable.code(defaultValue());
    };
  }

  /** The "what it does" cell of a reference table. */
  default String docCell() {
    return MarkdownTable.escape(doc());
  }
}
