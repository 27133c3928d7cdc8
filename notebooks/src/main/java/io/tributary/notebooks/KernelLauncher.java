package io.tributary.notebooks;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.core.Transform;

/**
 * Starts rapaio-jupyter-kernel (3.0.1) as its {@code MainApp} does, without the race on its table of handlers.
 *
 * <p>{@code Channels.connect} starts the shell channel's thread before it creates its table of message
 * handlers. A {@code kernel_info_request} that arrives in between (Jupyter sends one every second from the
 * start) makes that thread die of a NullPointerException, and the kernel never answers ("Kernel didn't respond
 * in 120 seconds"); 7 starts in 19 on this busy machine received such a request. With an empty table in place
 * beforehand, an early request is only logged as unhandled and Jupyter's next one is answered. (The kernel's other
 * start-up race is fixed by this module's {@link org.rapaio.jupyter.kernel.channels.LoopThread}.)
 *
 * <p>Logging: {@code MainApp} loads a {@code logging.properties} that sets java.util.logging's root level to
 * FINEST; here the JVM's own {@code -Djava.util.logging.config.file} applies (see {@code notebooks/run.sh}).
 * Hudi's copy of JOL prints warnings to {@code System.out} on first use, which would land in whichever cell first
 * touches Hudi; it is used once here, before any cell, so they go to the kernel's own output instead.
 */
public final class KernelLauncher {
  private KernelLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: KernelLauncher <connection file>");
      System.exit(2);
    }
    initialiseHudiObjectSizer();
    ConnectionProperties connection =
        Transform.fromJson(Files.readString(Path.of(args[0])), ConnectionProperties.class);
    RapaioKernel kernel = new RapaioKernel();
    Channels channels = new Channels(connection);
    try {
      Field handlers = Channels.class.getDeclaredField("handlers");
      handlers.setAccessible(true);
      handlers.set(channels, new ConcurrentHashMap<>());
    } catch (NoSuchFieldException | ClassCastException | IllegalArgumentException e) {
      // another version of the kernel than the one pinned in the parent pom: start it as it is
      System.err.println("KernelLauncher: cannot pre-fill Channels.handlers (" + e
          + "); this kernel version may lose its first requests (written for rapaio-jupyter-kernel 3.0.1)");
    }
    channels.connect(kernel);
    channels.joinUntilClose();
  }

  private static void initialiseHudiObjectSizer() {
    try {
      Class.forName("org.apache.hudi.org.openjdk.jol.vm.VM").getMethod("current").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      // no Hudi bundle on the classpath, or another version of it: nothing to move out of the cells
    }
  }
}
