package io.tributary.testkit;

/** A child JVM's main class for {@link JvmProcessBuilderTest}: prints what the JVM options gave it. */
public final class PrintOpenPackages {
  private PrintOpenPackages() {}

  public static void main(String[] args) {
    Module unnamed = PrintOpenPackages.class.getModule();
    for (String pkg : args) {
      System.out.println(pkg + " open: " + Object.class.getModule().isOpen(pkg, unnamed));
    }
    System.out.println("avro packages: " + System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"));
    System.out.println("marker: " + System.getProperty("testkit.marker"));
    System.out.println("env: " + System.getenv("TESTKIT_MARKER"));
    System.out.flush();
    System.err.println("on stderr");
  }
}
