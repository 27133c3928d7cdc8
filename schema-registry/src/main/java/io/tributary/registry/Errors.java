package io.tributary.registry;

/** Confluent Schema Registry's error codes, and factories for the errors that carry them. */
public final class Errors {
  private Errors() {}

  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;
  public static final int SUBJECT_SOFT_DELETED = 40404;
  public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
  public static final int SCHEMA_VERSION_SOFT_DELETED = 40406;
  public static final int SCHEMA_VERSION_NOT_SOFT_DELETED = 40407;
  public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
  public static final int SUBJECT_LEVEL_MODE_NOT_CONFIGURED = 40409;
  public static final int INCOMPATIBLE_SCHEMA = 409;
  public static final int INVALID_SCHEMA = 42201;
  public static final int INVALID_VERSION = 42202;
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  public static final int INVALID_MODE = 42204;
  public static final int OPERATION_NOT_PERMITTED = 42205;
  public static final int STORE_ERROR = 50001;
  public static final int OPERATION_TIMEOUT = 50002;
  public static final int REQUEST_FORWARDING_FAILED = 50003;
  public static final int UNKNOWN_LEADER = 50004;

  public static RegistryException subjectNotFound(String subject) {
    return new RegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
  }

  public static RegistryException versionNotFound(String subject, int version) {
    return new RegistryException(404, VERSION_NOT_FOUND,
        "Version " + version + " not found for subject '" + subject + "'.");
  }

  public static RegistryException schemaIdNotFound(int id) {
    return new RegistryException(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found");
  }

  public static RegistryException schemaNotFoundInSubject(String subject) {
    return new RegistryException(404, SCHEMA_NOT_FOUND,
        "Schema not found under subject '" + subject + "'");
  }

  public static RegistryException subjectSoftDeleted(String subject) {
    return new RegistryException(404, SUBJECT_SOFT_DELETED, "Subject '" + subject
        + "' was soft deleted. Set permanent=true to delete permanently");
  }

  public static RegistryException subjectNotSoftDeleted(String subject) {
    return new RegistryException(404, SUBJECT_NOT_SOFT_DELETED, "Subject '" + subject
        + "' was not deleted first before being permanently deleted: DELETE it without permanent=true first");
  }

  public static RegistryException versionSoftDeleted(String subject, int version) {
    return new RegistryException(404, SCHEMA_VERSION_SOFT_DELETED, "Subject '" + subject
        + "' Version " + version + " was soft deleted. Set permanent=true to delete permanently");
  }

  public static RegistryException versionNotSoftDeleted(String subject, int version) {
    return new RegistryException(404, SCHEMA_VERSION_NOT_SOFT_DELETED, "Subject '" + subject
        + "' Version " + version
        + " was not deleted first before being permanently deleted: DELETE it without permanent=true first");
  }

  public static RegistryException compatibilityNotConfigured(String subject) {
    return new RegistryException(404, SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED, "Subject '" + subject
        + "' does not have subject-level compatibility configured (use defaultToGlobal=true for the global level)");
  }

  public static RegistryException modeNotConfigured(String subject) {
    return new RegistryException(404, SUBJECT_LEVEL_MODE_NOT_CONFIGURED, "Subject '" + subject
        + "' does not have subject-level mode configured (use defaultToGlobal=true for the global mode)");
  }

  public static RegistryException incompatible(String message) {
    return new RegistryException(409, INCOMPATIBLE_SCHEMA, message);
  }

  public static RegistryException invalidSchema(String message) {
    return new RegistryException(422, INVALID_SCHEMA, message);
  }

  public static RegistryException invalidVersion(String version) {
    return new RegistryException(422, INVALID_VERSION, "The specified version '" + version
        + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
  }

  public static RegistryException invalidCompatibilityLevel(String level) {
    return new RegistryException(422, INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level '" + level
        + "'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");
  }

  public static RegistryException invalidMode(String mode) {
    return new RegistryException(422, INVALID_MODE,
        "Invalid mode '" + mode + "'. Valid values are READWRITE, READONLY and IMPORT");
  }

  public static RegistryException notPermitted(String message) {
    return new RegistryException(422, OPERATION_NOT_PERMITTED, message);
  }

  public static RegistryException storeError(String message, Throwable cause) {
    return new RegistryException(500, STORE_ERROR, message, cause);
  }

  public static RegistryException timeout(String message) {
    return new RegistryException(500, OPERATION_TIMEOUT, message);
  }

  public static RegistryException forwardingFailed(String message, Throwable cause) {
    return new RegistryException(500, REQUEST_FORWARDING_FAILED, message, cause);
  }

  public static RegistryException unknownLeader(String message) {
    return new RegistryException(500, UNKNOWN_LEADER, message);
  }
}
