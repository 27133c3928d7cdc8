package io.tributary.registry.security;

import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/** Where users' salted SCRAM credentials come from (the cluster's, in ZooKeeper). */
public interface ScramCredentialSource {
  /** The credential of {@code user} for {@code mechanism}, or null if it has none. */
  ScramCredential credential(String user, ScramMechanism mechanism);
}
