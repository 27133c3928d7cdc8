package io.tributary.log.storage;

import java.io.IOException;

/** Test seam of a cleaning pass, called at each {@link CleanerStep}; production passes use {@link #NONE}. */
@FunctionalInterface
interface CleanerHooks {
  CleanerHooks NONE = step -> {};

  void reached(CleanerStep step) throws IOException;
}
