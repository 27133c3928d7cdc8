package io.tributary.log.broker;

import io.tributary.log.cluster.AclStore;
import io.tributary.log.cluster.ScramCredentialStore;
import io.tributary.log.network.RequestHandler.ConnectionInfo;
import io.tributary.log.protocol.KafkaRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * The security admin APIs: CreateAcls, DescribeAcls, DeleteAcls (ALTER / DESCRIBE on the cluster), and
 * AlterUserScramCredentials / DescribeUserScramCredentials (KIP-554; ALTER / DESCRIBE on the cluster). The
 * client sends a salted password (never the password); the broker derives and stores SCRAM's stored and
 * server keys with kafka-clients' {@link ScramFormatter}.
 */
final class SecurityApis {
  static final Set<ApiKeys> APIS = Set.of(ApiKeys.CREATE_ACLS, ApiKeys.DESCRIBE_ACLS, ApiKeys.DELETE_ACLS,
      ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS);

  private final RequestAuthorizer authorizer;
  private final AclStore acls;
  private final ScramCredentialStore scram;

  SecurityApis(RequestAuthorizer authorizer, AclStore acls, ScramCredentialStore scram) {
    this.authorizer = authorizer;
    this.acls = acls;
    this.scram = scram;
  }

  ApiMessage handle(KafkaRequest request, ConnectionInfo connection) throws Exception {
    return switch (request.apiKey()) {
      case CREATE_ACLS -> createAcls(request, connection);
      case DESCRIBE_ACLS -> describeAcls(request, connection);
      case DELETE_ACLS -> deleteAcls(request, connection);
      case ALTER_USER_SCRAM_CREDENTIALS -> alterScram(request, connection);
      case DESCRIBE_USER_SCRAM_CREDENTIALS -> describeScram(request, connection);
      default -> throw new IllegalArgumentException(request.apiKey() + " is not a security API");
    };
  }

  // ---- ACLs -------------------------------------------------------------------------------------

  /** Without an authorizer there are no ACLs to keep: Kafka answers SECURITY_DISABLED. */
  private ApiError aclsUsable(ConnectionInfo connection, AclOperation operation) {
    if (!authorizer.enabled()) {
      return new ApiError(Errors.SECURITY_DISABLED, "no authorizer is configured (authorizer.class.name)");
    }
    if (!authorizer.authorizeCluster(connection, operation)) {
      return new ApiError(Errors.CLUSTER_AUTHORIZATION_FAILED, null);
    }
    return ApiError.NONE;
  }

  private ApiMessage createAcls(KafkaRequest request, ConnectionInfo connection) {
    CreateAclsRequestData data = request.data();
    CreateAclsResponseData response = new CreateAclsResponseData();
    ApiError usable = aclsUsable(connection, AclOperation.ALTER);
    for (CreateAclsRequestData.AclCreation creation : data.creations()) {
      ApiError result = usable;
      if (result.isSuccess()) {
        result = create(CreateAclsRequest.aclBinding(creation));
      }
      response.results().add(new CreateAclsResponseData.AclCreationResult()
          .setErrorCode(result.error().code()).setErrorMessage(result.message()));
    }
    return response;
  }

  private ApiError create(AclBinding binding) {
    if (binding.isUnknown() || (binding.pattern().patternType() != PatternType.LITERAL
        && binding.pattern().patternType() != PatternType.PREFIXED)) {
      return new ApiError(Errors.INVALID_REQUEST, "an ACL needs a known resource type, operation and permission, and a LITERAL or PREFIXED pattern");
    }
    try {
      acls.add(binding);
      return ApiError.NONE;
    } catch (Exception e) {
      return ApiError.fromThrowable(e);
    }
  }

  private ApiMessage describeAcls(KafkaRequest request, ConnectionInfo connection) throws Exception {
    AclBindingFilter filter = ((DescribeAclsRequest) request.body()).filter();
    ApiError usable = aclsUsable(connection, AclOperation.DESCRIBE);
    DescribeAclsResponseData response = new DescribeAclsResponseData();
    if (!usable.isSuccess()) {
      return response.setErrorCode(usable.error().code()).setErrorMessage(usable.message());
    }
    List<AclBinding> matching = acls.read().stream().filter(filter::matches).toList();
    return response.setResources(DescribeAclsResponse.aclsResources(matching));
  }

  private ApiMessage deleteAcls(KafkaRequest request, ConnectionInfo connection) throws Exception {
    List<AclBindingFilter> filters = ((DeleteAclsRequest) request.body()).filters();
    ApiError usable = aclsUsable(connection, AclOperation.ALTER);
    DeleteAclsResponseData response = new DeleteAclsResponseData();
    for (AclBindingFilter filter : filters) {
      DeleteAclsResponseData.DeleteAclsFilterResult result = new DeleteAclsResponseData.DeleteAclsFilterResult();
      if (!usable.isSuccess()) {
        response.filterResults().add(result.setErrorCode(usable.error().code()).setErrorMessage(usable.message()));
        continue;
      }
      List<AclBinding> matching = acls.read().stream().filter(filter::matches).toList();
      Set<AclBinding> deleting = new HashSet<>(matching);
      for (AclBinding binding : matching) {
        acls.remove(binding.pattern(), entry -> deleting.contains(new AclBinding(binding.pattern(), entry)));
        result.matchingAcls().add(DeleteAclsResponse.matchingAcl(binding, ApiError.NONE));
      }
      response.filterResults().add(result);
    }
    return response;
  }

  // ---- SCRAM credentials (KIP-554) ---------------------------------------------------------------

  private ApiMessage alterScram(KafkaRequest request, ConnectionInfo connection) {
    AlterUserScramCredentialsRequestData data = request.data();
    AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
    boolean allowed = authorizer.authorizeCluster(connection, AclOperation.ALTER);
    Set<String> users = new LinkedHashSet<>();
    data.deletions().forEach(d -> users.add(d.name()));
    data.upsertions().forEach(u -> users.add(u.name()));
    for (String user : users) {
      ApiError result = allowed ? alterUser(user, data) : new ApiError(Errors.CLUSTER_AUTHORIZATION_FAILED, null);
      response.results().add(new AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult()
          .setUser(user).setErrorCode(result.error().code()).setErrorMessage(result.message()));
    }
    return response;
  }

  /** One user's deletions and upsertions: all checked first, then applied. */
  private ApiError alterUser(String user, AlterUserScramCredentialsRequestData data) {
    if (user.isEmpty()) {
      return new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "the user name is empty");
    }
    Set<ScramMechanism> touched = new HashSet<>();
    List<AlterUserScramCredentialsRequestData.ScramCredentialDeletion> deletions = new ArrayList<>();
    List<AlterUserScramCredentialsRequestData.ScramCredentialUpsertion> upsertions = new ArrayList<>();
    for (AlterUserScramCredentialsRequestData.ScramCredentialDeletion d : data.deletions()) {
      if (!d.name().equals(user)) {
        continue;
      }
      ScramMechanism mechanism = mechanism(d.mechanism());
      if (mechanism == null) {
        return new ApiError(Errors.UNSUPPORTED_SASL_MECHANISM, "unknown SCRAM mechanism " + d.mechanism());
      }
      if (!touched.add(mechanism)) {
        return new ApiError(Errors.DUPLICATE_RESOURCE, "a credential of " + mechanism.mechanismName() + " is changed twice");
      }
      if (scram.credential(user, mechanism) == null) {
        return new ApiError(Errors.RESOURCE_NOT_FOUND, "user " + user + " has no " + mechanism.mechanismName() + " credential");
      }
      deletions.add(d);
    }
    for (AlterUserScramCredentialsRequestData.ScramCredentialUpsertion u : data.upsertions()) {
      if (!u.name().equals(user)) {
        continue;
      }
      ScramMechanism mechanism = mechanism(u.mechanism());
      if (mechanism == null) {
        return new ApiError(Errors.UNSUPPORTED_SASL_MECHANISM, "unknown SCRAM mechanism " + u.mechanism());
      }
      if (!touched.add(mechanism)) {
        return new ApiError(Errors.DUPLICATE_RESOURCE, "a credential of " + mechanism.mechanismName() + " is changed twice");
      }
      if (u.iterations() < mechanism.minIterations() || u.iterations() > mechanism.maxIterations()) {
        return new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, mechanism.mechanismName() + " iterations must be "
            + mechanism.minIterations() + ".." + mechanism.maxIterations() + ", not " + u.iterations());
      }
      if (u.salt().length == 0 || u.saltedPassword().length == 0) {
        return new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "the salt and the salted password must not be empty");
      }
      upsertions.add(u);
    }
    try {
      for (AlterUserScramCredentialsRequestData.ScramCredentialDeletion d : deletions) {
        scram.alter(user, mechanism(d.mechanism()), null);
      }
      for (AlterUserScramCredentialsRequestData.ScramCredentialUpsertion u : upsertions) {
        ScramMechanism mechanism = mechanism(u.mechanism());
        ScramCredential credential = new ScramFormatter(mechanism).generateCredential(u.salt(), u.saltedPassword(), u.iterations());
        scram.alter(user, mechanism, credential);
      }
      return ApiError.NONE;
    } catch (Exception e) {
      return ApiError.fromThrowable(e);
    }
  }

  private ApiMessage describeScram(KafkaRequest request, ConnectionInfo connection) throws Exception {
    DescribeUserScramCredentialsRequestData data = request.data();
    DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData();
    if (!authorizer.authorizeCluster(connection, AclOperation.DESCRIBE)) {
      return response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
    }
    Map<String, Map<ScramMechanism, Integer>> all = scram.describe();
    List<String> users = data.users() == null || data.users().isEmpty()
        ? new ArrayList<>(all.keySet())
        : data.users().stream().map(DescribeUserScramCredentialsRequestData.UserName::name).toList();
    for (String user : users) {
      DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult result =
          new DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult().setUser(user);
      Map<ScramMechanism, Integer> found = all.get(user);
      if (found == null) {
        result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code()).setErrorMessage("attempt to describe a user credential that does not exist: " + user);
      } else {
        found.forEach((mechanism, iterations) -> result.credentialInfos().add(
            new DescribeUserScramCredentialsResponseData.CredentialInfo().setMechanism(mechanism.type()).setIterations(iterations)));
      }
      response.results().add(result);
    }
    return response;
  }

  private static ScramMechanism mechanism(byte type) {
    for (ScramMechanism m : ScramMechanism.values()) {
      if (m.type() == type) {
        return m;
      }
    }
    return null;
  }
}
