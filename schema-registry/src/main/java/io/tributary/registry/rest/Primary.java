package io.tributary.registry.rest;

/** Who performs writes. */
public interface Primary {
  boolean isPrimary();

  /** The primary's base URL ({@code http://host:port}), or null if none is known right now. */
  String primaryUrl();

  /** A single node that is always primary (no ZooKeeper). */
  Primary ALWAYS = new Primary() {
    @Override
    public boolean isPrimary() {
      return true;
    }

    @Override
    public String primaryUrl() {
      return null;
    }
  };
}
