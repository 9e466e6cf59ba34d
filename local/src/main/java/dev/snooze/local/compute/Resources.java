package dev.snooze.local.compute;

import com.google.cloud.compute.v1.DistributionPolicy;
import com.google.cloud.compute.v1.DistributionPolicyZoneConfiguration;
import com.google.cloud.compute.v1.Error;
import com.google.cloud.compute.v1.ErrorDetails;
import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagerActionsSummary;
import com.google.cloud.compute.v1.InstanceGroupManagerStatus;
import com.google.cloud.compute.v1.InstanceGroupManagerStatusStateful;
import com.google.cloud.compute.v1.InstanceGroupManagerStatusStatefulPerInstanceConfigs;
import com.google.cloud.compute.v1.InstanceGroupManagerStatusVersionTarget;
import com.google.cloud.compute.v1.InstanceGroupManagerVersion;
import com.google.cloud.compute.v1.InstanceManagedByIgmError;
import com.google.cloud.compute.v1.InstanceManagedByIgmErrorInstanceActionDetails;
import com.google.cloud.compute.v1.InstanceManagedByIgmErrorManagedInstanceError;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.ManagedInstanceInstanceHealth;
import com.google.cloud.compute.v1.ManagedInstanceLastAttempt;
import com.google.cloud.compute.v1.ManagedInstanceLastAttemptErrors;
import com.google.cloud.compute.v1.ManagedInstanceVersion;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.QuotaExceededInfo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the API's resources as the compute v1 model classes, so that field names and shapes
 * are those the client library itself was generated from.
 */
final class Resources {
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);

  private Resources() {}

  static String timestamp(Instant t) {
    return RFC3339.format(t);
  }

  static String template(GroupRef ref) {
    return GroupRef.API_BASE + "projects/" + ref.project() + "/global/instanceTemplates/" + ref.name() + "-template";
  }

  static String healthCheck(GroupRef ref) {
    return GroupRef.API_BASE + "projects/" + ref.project() + "/global/healthChecks/" + ref.name() + "-health";
  }

  static InstanceGroupManager manager(GroupState g, Map<InstanceRecord, InstanceView> instances) {
    GroupRef ref = g.ref;
    Map<String, Integer> actions = new HashMap<>();
    boolean stable = true;
    for (InstanceView v : instances.values()) {
      actions.merge(v.action(), 1, Integer::sum);
      stable &= "NONE".equals(v.action());
    }
    InstanceGroupManagerActionsSummary summary = InstanceGroupManagerActionsSummary.newBuilder()
        .setAbandoning(0)
        .setCreating(actions.getOrDefault("CREATING", 0))
        .setCreatingWithoutRetries(0)
        .setDeleting(actions.getOrDefault("DELETING", 0))
        .setNone(actions.getOrDefault("NONE", 0))
        .setRecreating(actions.getOrDefault("RECREATING", 0))
        .setRefreshing(0)
        .setRestarting(0)
        .setResuming(0)
        .setStarting(actions.getOrDefault("STARTING", 0))
        .setStopping(actions.getOrDefault("STOPPING", 0))
        .setSuspending(0)
        .setVerifying(actions.getOrDefault("VERIFYING", 0))
        .build();
    InstanceGroupManager.Builder b = InstanceGroupManager.newBuilder()
        .setKind("compute#instanceGroupManager")
        .setId(g.id)
        .setCreationTimestamp(timestamp(g.created))
        .setName(ref.name())
        .setInstanceTemplate(template(ref))
        .addVersions(InstanceGroupManagerVersion.newBuilder().setInstanceTemplate(template(ref)).build())
        .setInstanceGroup(GroupRef.API_BASE + ref.locationPath() + "/instanceGroups/" + ref.name())
        .setBaseInstanceName(ref.name())
        .setFingerprint(Long.toHexString(g.targetSize * 31L + g.targetStoppedSize))
        .setCurrentActions(summary)
        .setStatus(InstanceGroupManagerStatus.newBuilder()
            .setIsStable(stable)
            .setVersionTarget(InstanceGroupManagerStatusVersionTarget.newBuilder().setIsReached(true).build())
            .setStateful(InstanceGroupManagerStatusStateful.newBuilder()
                .setHasStatefulConfig(false)
                .setPerInstanceConfigs(InstanceGroupManagerStatusStatefulPerInstanceConfigs.newBuilder()
                    .setAllEffective(true).build())
                .build())
            .build())
        .setTargetSize(g.targetSize)
        .setTargetStoppedSize(g.targetStoppedSize)
        .setTargetSuspendedSize(0)
        .setSelfLink(ref.selfLink())
        .setListManagedInstancesResults("PAGELESS");
    if (ref.scope() == GroupRef.Scope.ZONAL) {
      b.setZone(GroupRef.API_BASE + ref.locationPath());
    } else {
      DistributionPolicy.Builder policy = DistributionPolicy.newBuilder().setTargetShape("EVEN");
      for (String zone : ref.zones()) {
        policy.addZones(DistributionPolicyZoneConfiguration.newBuilder()
            .setZone(GroupRef.API_BASE + GroupRef.zonePath(ref.project(), zone)).build());
      }
      b.setRegion(GroupRef.API_BASE + ref.locationPath()).setDistributionPolicy(policy.build());
    }
    return b.build();
  }

  /** @param lastAttempt the error a waiting instance's last attempt met, or null */
  static ManagedInstance managedInstance(GroupRef ref, InstanceRecord r, InstanceView v, CapacityError lastAttempt) {
    ManagedInstance.Builder b = ManagedInstance.newBuilder()
        .setInstance(r.selfLink())
        .setName(r.name())
        .setCurrentAction(v.action())
        .setVersion(ManagedInstanceVersion.newBuilder().setInstanceTemplate(template(ref)).build());
    if (v.status() != null) {
      // A VM id exists only once the VM does.
      b.setId(r.id()).setInstanceStatus(v.status());
    }
    if (v.health() != null) {
      b.addInstanceHealth(ManagedInstanceInstanceHealth.newBuilder()
          .setHealthCheck(healthCheck(ref))
          .setDetailedHealthState(v.health())
          .build());
    }
    if (v.waitingForCapacity() && lastAttempt != null) {
      b.setLastAttempt(ManagedInstanceLastAttempt.newBuilder()
          .setErrors(ManagedInstanceLastAttemptErrors.newBuilder().addErrors(errors(lastAttempt)).build())
          .build());
    }
    return b.build();
  }

  /** One error item as operations and lastAttempt carry it; a quota error names its quota, as Compute's do. */
  static Errors errors(CapacityError e) {
    Errors.Builder b = Errors.newBuilder().setCode(e.code()).setMessage(e.message());
    if (e.quotaMetric() != null) {
      b.addErrorDetails(ErrorDetails.newBuilder().setQuotaInfo(QuotaExceededInfo.newBuilder()
          .setMetricName("compute.googleapis.com/" + e.quotaMetric().toLowerCase(Locale.ROOT))
          .setLimitName(e.quotaMetric().replace('_', '-') + "-per-project-region")
          .putDimensions("region", e.region())
          .setLimit(0)
          .build()).build());
    }
    return b.build();
  }

  static InstanceManagedByIgmError error(GroupRef ref, GroupState.ErrorEntry e) {
    return InstanceManagedByIgmError.newBuilder()
        .setError(InstanceManagedByIgmErrorManagedInstanceError.newBuilder()
            .setCode(e.error().code()).setMessage(e.error().message()).build())
        .setInstanceActionDetails(InstanceManagedByIgmErrorInstanceActionDetails.newBuilder()
            .setAction(e.action())
            .setInstance(e.instance().selfLink())
            .setVersion(ManagedInstanceVersion.newBuilder().setInstanceTemplate(template(ref)).build())
            .build())
        .setTimestamp(timestamp(e.at()))
        .build();
  }

  static Operation operation(OperationRecord op, Instant now) {
    GroupRef ref = op.group();
    boolean done = op.done(now);
    Operation.Builder b = Operation.newBuilder()
        .setKind("compute#operation")
        .setId(op.id())
        .setName(op.name())
        .setOperationType(op.operationType())
        .setTargetLink(ref.selfLink())
        .setTargetId(op.targetId())
        .setStatus(done ? Operation.Status.DONE : Operation.Status.RUNNING)
        .setUser("snooze-local@simulator.iam.gserviceaccount.com")
        .setProgress(done ? 100 : 0)
        .setInsertTime(timestamp(op.insertTime()))
        .setStartTime(timestamp(op.insertTime()))
        .setSelfLink(GroupRef.API_BASE + op.resourcePath());
    if (ref.scope() == GroupRef.Scope.ZONAL) {
      b.setZone(GroupRef.API_BASE + ref.locationPath());
    } else {
      b.setRegion(GroupRef.API_BASE + ref.locationPath());
    }
    if (done) {
      b.setEndTime(timestamp(op.doneAt()));
      if (!op.errors().isEmpty()) {
        Error.Builder error = Error.newBuilder();
        for (CapacityError e : op.errors()) {
          error.addErrors(errors(e));
        }
        // The client library decides success on these two fields: 503 for a stockout, 403 for quota.
        StockoutKind first = op.errors().get(0).kind();
        b.setError(error.build()).setHttpErrorStatusCode(first.httpStatus()).setHttpErrorMessage(first.httpMessage());
      }
    }
    return b.build();
  }
}
