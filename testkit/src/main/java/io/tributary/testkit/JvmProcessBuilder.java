package io.tributary.testkit;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one way this project starts a child JVM: {@code java <conf/jvm.options> <jvm args> <-D properties>
 * -cp <classpath> <main class> <args>}, by default stdin from /dev/null and stdout and stderr appended to a
 * log file.
 * The JVM options of the one file come first so that a caller's own arguments (a heap size, an override of
 * a system property) win.
 *
 * <pre>{@code
 * ChildProcess broker = JvmProcessBuilder.main("io.tributary.log.broker.Broker")
 *     .jvmArgs("-Xmx512m").args(configFile.toString()).logFile(dir.resolve("broker.log")).start();
 * }</pre>
 */
public final class JvmProcessBuilder {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Redirect NO_INPUT = Redirect.from(new File("/dev/null"));

  private final String mainClass;
  private String name;
  private String classpath = currentClasspath();
  private final List<String> jvmArgs = new ArrayList<>();
  private final Map<String, String> systemProperties = new LinkedHashMap<>();
  private final List<String> args = new ArrayList<>();
  private final List<String> commandPrefix = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final Set<String> removedEnvironment = new LinkedHashSet<>();
  private Path workDir;
  private Path logFile;
  private Path errorFile;
  private boolean inheritIO;
  private boolean pipeOutput;
  private boolean detached;
  private boolean reapOnExit = true;

  private JvmProcessBuilder(String mainClass) {
    this.mainClass = mainClass;
    this.name = mainClass;
  }

  public static JvmProcessBuilder main(String mainClass) {
    return new JvmProcessBuilder(mainClass);
  }

  /** This JVM's real classpath: surefire may run tests from a manifest-only jar and name the real one apart. */
  public static String currentClasspath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  /** The java binary of this JVM. */
  public static Path javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** The name failure messages use (default: the main class). */
  public JvmProcessBuilder name(String name) {
    this.name = name;
    return this;
  }

  /** Default: this JVM's ({@link #currentClasspath()}). */
  public JvmProcessBuilder classpath(String classpath) {
    this.classpath = classpath;
    return this;
  }

  public JvmProcessBuilder jvmArgs(String... more) {
    return jvmArgs(List.of(more));
  }

  public JvmProcessBuilder jvmArgs(List<String> more) {
    jvmArgs.addAll(more);
    return this;
  }

  public JvmProcessBuilder systemProperty(String key, String value) {
    systemProperties.put(key, value);
    return this;
  }

  public JvmProcessBuilder args(String... more) {
    return args(List.of(more));
  }

  public JvmProcessBuilder args(List<String> more) {
    args.addAll(more);
    return this;
  }

  public JvmProcessBuilder environment(String key, String value) {
    environment.put(key, value);
    removedEnvironment.remove(key);
    return this;
  }

  public JvmProcessBuilder environment(Map<String, String> variables) {
    variables.forEach(this::environment);
    return this;
  }

  /** Removes a variable this JVM's environment would pass on (e.g. CLASSPATH, JAVA_TOOL_OPTIONS). */
  public JvmProcessBuilder withoutEnvironment(String key) {
    removedEnvironment.add(key);
    environment.remove(key);
    return this;
  }

  public JvmProcessBuilder workDir(Path dir) {
    this.workDir = dir;
    return this;
  }

  /** stdout and stderr appended to {@code file} (its directory is created); default: discarded. */
  public JvmProcessBuilder logFile(Path file) {
    this.logFile = file.toAbsolutePath();
    return this;
  }

  /** stderr to {@code file} (truncated) apart from stdout, which then goes to the log file, also truncated. */
  public JvmProcessBuilder errorFile(Path file) {
    this.errorFile = file.toAbsolutePath();
    return this;
  }

  /** stdin, stdout and stderr are this JVM's (a child in the foreground); default: see {@link #logFile}. */
  public JvmProcessBuilder inheritIO() {
    this.inheritIO = true;
    return this;
  }

  /** stdout and stderr together on a pipe the caller reads ({@code process().getInputStream()}). */
  public JvmProcessBuilder pipeOutput() {
    this.pipeOutput = true;
    return this;
  }

  /**
   * Whether a shutdown hook SIGKILLs the child when this JVM exits (default: yes, a test or a benchmark never
   * leaves a child behind). No for a child the caller stops its own way, e.g. with a SIGTERM hook.
   */
  public JvmProcessBuilder reapOnExit(boolean reap) {
    this.reapOnExit = reap;
    return this;
  }

  /**
   * In a session of its own (setsid, where there is one) so that Ctrl-C or a closed terminal does not reach
   * it, and not killed when this JVM exits: for the background processes of a local cluster.
   */
  public JvmProcessBuilder detached() {
    this.detached = true;
    this.reapOnExit = false;
    return this;
  }

  /**
   * Words put before {@code java}, e.g. {@code ip netns exec NS} to start the JVM in a network namespace. The
   * prefix must exec the JVM (as {@code ip netns exec} does) so that the pid stays the JVM's and signals reach it.
   */
  public JvmProcessBuilder commandPrefix(List<String> words) {
    commandPrefix.clear();
    commandPrefix.addAll(words);
    return this;
  }

  /** The command line {@link #start()} runs. */
  public List<String> command() {
    List<String> cmd = new ArrayList<>();
    if (detached && Files.isExecutable(SETSID)) {
      cmd.add(SETSID.toString());
    }
    cmd.addAll(commandPrefix);
    cmd.add(javaBinary().toString());
    cmd.addAll(JvmOptions.load());
    cmd.addAll(jvmArgs);
    systemProperties.forEach((key, value) -> cmd.add("-D" + key + "=" + value));
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  public ChildProcess start() throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command());
    redirect(pb);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    pb.environment().keySet().removeAll(removedEnvironment);
    pb.environment().putAll(environment);
    return new ChildProcess(name, pb.start(), Optional.ofNullable(logFile), reapOnExit);
  }

  private void redirect(ProcessBuilder pb) throws IOException {
    if (inheritIO) {
      pb.inheritIO();
      return;
    }
    pb.redirectInput(NO_INPUT);
    if (pipeOutput) {
      pb.redirectErrorStream(true);
    } else if (logFile == null) {
      pb.redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
    } else if (errorFile == null) {
      Files.createDirectories(logFile.getParent());
      pb.redirectOutput(Redirect.appendTo(logFile.toFile())).redirectErrorStream(true);
    } else {
      Files.createDirectories(logFile.getParent());
      Files.createDirectories(errorFile.getParent());
      pb.redirectOutput(logFile.toFile()).redirectError(errorFile.toFile());
    }
  }
}
