package io.tributary.cli;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Hudi estimates record sizes with a copy of JOL (relocated into its bundle) whose first use prints
 * "# WARNING: Unable to attach Serviceability Agent" on standard output: noise in every command that writes
 * the lake. JOL has no switch for it, so its VM description is made once here with the output muted; the
 * result is cached and later uses print nothing.
 */
final class QuietJol {
  private static final String JOL_VM = "org.apache.hudi.org.openjdk.jol.vm.VM";

  private QuietJol() {}

  static synchronized void init() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    PrintStream mute = new PrintStream(OutputStream.nullOutputStream());
    try {
      System.setOut(mute);
      System.setErr(mute);
      Class.forName(JOL_VM).getMethod("current").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      // no Hudi on the classpath, or another JOL: nothing to quiet
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
