package dev.keyrack.app;

import dev.keyrack.domain.AccessCode;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.PinRules;
import dev.keyrack.ports.Store;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Codes that share one PIN across several locks (a front door and a flat's own door), linked by a
 * {@code common_code_key}: {@code access_codes/create_multiple} and {@code update_multiple}. Each
 * code is an ordinary code of its lock (its own schedules, slot, events); the key links them.
 */
public final class LinkedCodes {
  private static final Logger LOG = LoggerFactory.getLogger(LinkedCodes.class);
  /** The most locks one create_multiple may cover. */
  public static final int MAX_DEVICES = 100;
  /** Prefix of the keys create_multiple makes (the rest is a random UUID). */
  static final String KEY_PREFIX = "auto_set_by_create_multiple_";

  private final AccessCodeService codes;
  private final Store store;
  private final RandomGenerator random;

  public LinkedCodes(AccessCodeService codes, Store store) {
    this.codes = codes;
    this.store = store;
    this.random = codes.pinRandom();
  }

  /** What a lock that cannot take the shared PIN gets: an error for all ({@code throw}), or a PIN of its own. */
  public enum WhenNotShared { THROW, CREATE_RANDOM_CODE }

  /**
   * One code per device, all with the same PIN where the locks allow it, linked by a new
   * {@code common_code_key}. Every create is checked before the first is stored, so bad input, a
   * lock without room, or a PIN that cannot be shared ({@link WhenNotShared#THROW}) stores nothing;
   * should a create still fail once others are stored (another request took the PIN or the last slot
   * in that moment), those are deleted again, as a delete would (taken off their locks if they got
   * there), and the error is answered.
   *
   * @param template the create's fields; its device and common_code_key are ignored
   */
  public List<AccessCode> create(UUID workspaceId, List<UUID> deviceIds, WhenNotShared whenNotShared, CreateRequest template) {
    if (deviceIds.isEmpty()) throw ApiError.invalidField("device_ids", "device_ids must name at least one device.");
    if (new LinkedHashSet<>(deviceIds).size() != deviceIds.size()) {
      throw ApiError.invalidField("device_ids", "device_ids must not name a device twice.");
    }
    if (deviceIds.size() > MAX_DEVICES) throw ApiError.invalidField("device_ids", "device_ids may name at most " + MAX_DEVICES + " devices.");
    List<Device> devices = deviceIds.stream().map(id -> codes.device(workspaceId, id)).toList();
    List<Store.Slots> slots = devices.stream().map(d -> store.slots(workspaceId, d.deviceId())).toList();
    List<String> pins = pins(devices, slots, template.code(), template.preferredCodeLength(), whenNotShared);
    String key = KEY_PREFIX + UUID.randomUUID();
    List<AccessCodeService.Checked> checked = new ArrayList<>(devices.size());
    for (int i = 0; i < devices.size(); i++) {
      CreateRequest r = new CreateRequest(devices.get(i).deviceId(), template.name(), pins.get(i), template.startsAt(),
          template.endsAt(), template.preferredCodeLength(), template.preferNativeScheduling(),
          template.allowExternalModification(), template.isOneTimeUse(), template.isOfflineAccessCode(), key,
          template.useBackupAccessCodePool());
      checked.add(onDevice(devices.get(i), () -> codes.check(workspaceId, r)));
    }
    List<AccessCode> made = new ArrayList<>(devices.size());
    // One wait for slot leases (locks near full) for the whole request, not one per lock: well within the API's timeout.
    long leaseWaitUntil = System.nanoTime() + LEASE_WAIT.toNanos();
    for (AccessCodeService.Checked c : checked) {
      try {
        made.add(codes.commit(workspaceId, c, leaseWaitUntil).accessCode());
      } catch (RuntimeException e) {
        withdraw(workspaceId, made);
        throw e instanceof ApiError api ? onDevice(c.device(), api) : e;
      }
    }
    LOG.info("linked access codes created key={} devices={}", key, made.size());
    return made;
  }

  /**
   * The PIN for each device: {@code code} if given, else one generated to fit every lock (of a
   * length they all take: the preferred one if they do, else the shortest they share). A lock that
   * cannot take it (its brand's rules, a PIN it holds already, a lock that makes its own PINs) gets
   * null (a PIN of its own) under {@link WhenNotShared#CREATE_RANDOM_CODE}; under THROW it is an error.
   */
  private List<String> pins(List<Device> devices, List<Store.Slots> slots, String code, Integer preferredLength,
                            WhenNotShared whenNotShared) {
    if (devices.size() == 1 && devices.get(0).profile().generatesPin()) {
      // Nothing to share it with: the lock makes its PIN as for a single create (a given code is refused there).
      return java.util.Collections.singletonList(code);
    }
    String shared = code != null ? code : sharedPin(devices, slots, preferredLength);
    String unshared = shared != null ? null : noSharedPin(devices);
    List<String> pins = new ArrayList<>(devices.size());
    for (int i = 0; i < devices.size(); i++) {
      BrandProfile brand = devices.get(i).profile();
      Optional<String> why = brand.generatesPin() ? Optional.of("the lock makes its own PINs; none can be given to it.")
          : shared == null ? Optional.of(unshared) : cannotTake(brand, slots.get(i), shared);
      if (why.isEmpty()) {
        pins.add(shared);
      } else if (whenNotShared == WhenNotShared.CREATE_RANDOM_CODE) {
        pins.add(null);
      } else {
        Device d = devices.get(i);
        throw new ApiError(400, "code_cannot_be_shared", "The code cannot be shared with device " + d.deviceId() + ": "
            + why.get() + " Give behavior_when_code_cannot_be_shared: create_random_code to give it a code of its own.");
      }
    }
    return pins;
  }

  private static Optional<String> cannotTake(BrandProfile brand, Store.Slots slots, String pin) {
    Optional<String> rule = PinRules.violation(brand, pin);
    if (rule.isPresent()) return rule;
    if (slots.pinTaken().test(pin)) return Optional.of("another access code on it already uses this code.");
    return Optional.empty();
  }

  /** The brands of the devices that take a PIN given to them (not those that make their own). */
  private static List<BrandProfile> pinTakers(List<Device> devices) {
    return devices.stream().map(Device::profile).filter(b -> !b.generatesPin()).toList();
  }

  /** The PIN lengths every one of these brands takes, in the first one's order. */
  private static List<Integer> commonLengths(List<BrandProfile> brands) {
    List<Integer> common = new ArrayList<>(brands.get(0).codeLengths());
    brands.forEach(b -> common.retainAll(b.codeLengths()));
    return common;
  }

  /** Why no PIN was found for the devices that take one. */
  private static String noSharedPin(List<Device> devices) {
    List<BrandProfile> brands = pinTakers(devices);
    if (brands.isEmpty()) return "the locks make their own PINs.";
    return commonLengths(brands).isEmpty() ? "the devices have no code length in common."
        : "no code of a length they all take is free on every one of them.";
  }

  /** A PIN every device takes, or null when they share no length (or no free PIN of it was found). */
  private String sharedPin(List<Device> devices, List<Store.Slots> slots, Integer preferredLength) {
    List<BrandProfile> brands = pinTakers(devices);
    if (brands.isEmpty()) return null;
    List<Integer> common = commonLengths(brands);
    if (common.isEmpty()) return null;
    int length = preferredLength != null && common.contains(preferredLength) ? preferredLength
        : common.stream().filter(l -> l >= 4).findFirst().orElse(common.get(0));
    // The strictest brand generates; each candidate is checked against all the others.
    for (int attempt = 0; attempt < 1000; attempt++) {
      String pin = PinRules.generate(brands.get(attempt % brands.size()), length, random);
      boolean fits = true;
      for (int i = 0; i < devices.size() && fits; i++) {
        if (devices.get(i).profile().generatesPin()) continue;
        fits = cannotTake(devices.get(i).profile(), slots.get(i), pin).isEmpty();
      }
      if (fits) return pin;
    }
    return null;
  }

  private static <T> T onDevice(Device d, java.util.function.Supplier<T> check) {
    try {
      return check.get();
    } catch (ApiError e) {
      throw onDevice(d, e);
    }
  }

  /** The error of one device's code, saying which device. */
  private static ApiError onDevice(Device d, ApiError e) {
    return e.prefixed("Device " + d.deviceId() + ": ");
  }

  /** How long one create_multiple waits in all for the slot leases of its locks. */
  static final java.time.Duration LEASE_WAIT = java.time.Duration.ofSeconds(8);

  private void withdraw(UUID workspaceId, List<AccessCode> made) {
    for (AccessCode c : made) {
      try {
        codes.delete(workspaceId, c.accessCodeId());
      } catch (RuntimeException e) {
        LOG.error("could not withdraw linked access code {} after a failed create_multiple: {}", c.accessCodeId(),
            e.getClass().getSimpleName());
      }
    }
  }

  /**
   * Applies the same change (name, window) to every code of a {@code common_code_key}. Each is
   * checked against its lock's rules before any is changed; a code gone meanwhile is passed over.
   *
   * @return the codes changed
   */
  public int update(UUID workspaceId, String commonCodeKey, String name, java.time.Instant startsAt, java.time.Instant endsAt) {
    List<UUID> ids = store.group(workspaceId, commonCodeKey);
    List<AccessCode> members = new ArrayList<>();
    List<UUID> gone = new ArrayList<>();
    for (UUID id : ids) {
      Optional<AccessCode> c = store.accessCode(workspaceId, id);
      if (c.isEmpty() || !commonCodeKey.equals(c.get().commonCodeKey())) {
        gone.add(id); // deleted (its delete's leaving failed), or a create that failed after joining
        continue;
      }
      if (c.get().backupRole() != AccessCode.BackupRole.READY && c.get().status() != dev.keyrack.domain.CodeStatus.removing) {
        members.add(c.get());
      }
    }
    store.leaveGroup(workspaceId, commonCodeKey, gone);
    if (members.isEmpty()) {
      throw new ApiError(404, "access_code_not_found", "No access code has this common_code_key.");
    }
    List<UpdateRequest> changes = members.stream()
        .map(c -> new UpdateRequest(c.accessCodeId(), name, null, startsAt, endsAt, null, null, null)).toList();
    for (int i = 0; i < members.size(); i++) {
      AccessCode c = members.get(i);
      UpdateRequest r = changes.get(i);
      onDevice(codes.device(workspaceId, c.deviceId()), () -> {
        codes.checkUpdate(workspaceId, c, r);
        return null;
      });
    }
    int changed = 0;
    for (int i = 0; i < members.size(); i++) {
      try {
        codes.update(workspaceId, changes.get(i));
        changed++;
      } catch (ApiError e) {
        if (e.status() == 404) continue; // deleted meanwhile
        throw changed == 0 ? e : e.prefixed(changed + " of " + members.size() + " linked access codes were changed before "
            + "this one failed (send the same request again): ");
      }
    }
    LOG.info("linked access codes updated: {}", changed);
    return changed;
  }
}
