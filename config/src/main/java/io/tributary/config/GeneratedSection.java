package io.tributary.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The part of a docs file that is generated from the code, between a begin marker naming its generator and
 * {@link #END}: rewriting it keeps the docs from drifting, and a test that rewrites and compares fails when
 * they are out of date.
 *
 * @param begin the begin marker, e.g. {@code <!-- BEGIN GENERATED: io.tributary.connect.PipelineDocs -->}
 * @param render the generated text, markers included
 */
public record GeneratedSection(String begin, Supplier<String> render) {
  public static final String END = "<!-- END GENERATED -->";

  /** The begin marker of the section that {@code generator} writes. */
  public static String beginMarker(Class<?> generator) {
    return "<!-- BEGIN GENERATED: " + generator.getName() + " -->";
  }

  /** {@code document} with its generated section replaced by a fresh rendering. */
  public String rewrite(String document) {
    int from = document.indexOf(begin);
    int to = document.indexOf(END);
    if (from < 0 || to < 0) {
      throw new IllegalArgumentException("the document has no " + begin + " ... " + END + " section");
    }
    return document.substring(0, from) + render.get() + document.substring(to + END.length());
  }

  /** Rewrites the section in {@code args[0]}, or in {@code defaultFile} without arguments (a generator's main). */
  public void rewriteFile(String[] args, String defaultFile) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : defaultFile);
    Files.writeString(file, rewrite(Files.readString(file)));
  }
}
