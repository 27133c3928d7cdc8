package io.tributary.registry.security;

/**
 * What a registry user may do, as Confluent's RBAC roles name it: {@code READ} (DeveloperRead),
 * {@code WRITE} (DeveloperWrite), {@code ADMIN} (ResourceOwner / SystemAdmin). Each includes the ones before it.
 */
public enum Role {
  READ, WRITE, ADMIN;

  /** Whether a user holding this role may do what {@code required} allows. */
  public boolean includes(Role required) {
    return compareTo(required) >= 0;
  }
}
